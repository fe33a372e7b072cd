// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {IRideMarket} from "../interfaces/IRideMarket.sol";

/// @title MarketParams: the market's governed parameters and their hard bounds
/// @notice One setter, `setParameter(name, value)`, callable only by the governance authority
/// (the timelock). Every value is checked against a bound written here that no vote can pass:
/// the cooperative fee can never exceed 10%.
abstract contract MarketParams is Context, IRideMarket {
    uint256 internal constant _BPS = 10_000;

    bytes32 private constant _FEE_BPS = "feeBps";
    bytes32 private constant _HOLDERS_SHARE_BPS = "holdersShareBps";
    bytes32 private constant _REWARD_PER_TOKEN = "rewardPerToken";
    bytes32 private constant _GRACE_PERIOD = "gracePeriod";
    bytes32 private constant _PICKUP_WINDOW = "pickupWindow";
    bytes32 private constant _NO_SHOW_WINDOW = "noShowWindow";
    bytes32 private constant _CONFIRM_WINDOW = "confirmWindow";
    bytes32 private constant _RIDE_WINDOW = "rideWindow";
    bytes32 private constant _MIN_STAKE = "minStake";
    bytes32 private constant _CANCELLATION_FEE = "cancellationFee";
    bytes32 private constant _NO_SHOW_PENALTY = "noShowPenalty";
    bytes32 private constant _PAIR_FARE_CAP = "pairFareCap";
    bytes32 private constant _DRIVER_FARE_CAP = "driverFareCap";
    bytes32 private constant _MIN_FARE = "minFare";

    /// @notice A parameter changes at most once per cooldown, and by at most a quarter of its
    /// bound range per change: a captured vote moves the fee 3% -> 5.5% at most, not to 10%, and
    /// every further step is another vote, another timelock and another week the holders see.
    uint256 public constant PARAMETER_COOLDOWN = 7 days;
    uint256 public constant MAX_CHANGE_DIVISOR = 4;

    /// @dev 10**decimals of the fare token: amount bounds are written in whole tokens.
    uint256 internal immutable _fareUnit;
    address private immutable _governance;

    Params internal _params;
    Amounts internal _amounts;
    /// @dev One slot, read together at finalization: the reward caps (`RewardCaps`, narrowed
    /// to uint80 like `Amounts`) and the smallest fare that counts toward ratings and RIDE
    /// rewards (1 tUSD at deployment).
    struct Caps {
        uint80 pairFareCap;
        uint80 driverFareCap;
        uint96 minFare;
    }

    Caps internal _caps;
    /// @dev When each parameter was last changed by governance (zero: never since deployment).
    mapping(bytes32 name => uint256) private _changedAt;

    modifier onlyGovernance() {
        if (_msgSender() != _governance) revert NotGovernance(_msgSender());
        _;
    }

    constructor(
        address governance_,
        uint256 fareUnit_,
        Params memory params_,
        Amounts memory amounts_,
        RewardCaps memory caps_
    ) {
        _governance = governance_;
        _fareUnit = fareUnit_;
        _set(_FEE_BPS, params_.feeBps);
        _set(_HOLDERS_SHARE_BPS, params_.holdersShareBps);
        _set(_REWARD_PER_TOKEN, params_.rewardPerToken);
        _set(_GRACE_PERIOD, params_.gracePeriod);
        _set(_PICKUP_WINDOW, params_.pickupWindow);
        _set(_NO_SHOW_WINDOW, params_.noShowWindow);
        _set(_CONFIRM_WINDOW, params_.confirmWindow);
        _set(_RIDE_WINDOW, params_.rideWindow);
        _set(_MIN_STAKE, amounts_.minStake);
        _set(_CANCELLATION_FEE, amounts_.cancellationFee);
        _set(_NO_SHOW_PENALTY, amounts_.noShowPenalty);
        _set(_PAIR_FARE_CAP, caps_.pairFareCap);
        _set(_DRIVER_FARE_CAP, caps_.driverFareCap);
        _set(_MIN_FARE, fareUnit_);
    }

    /// @inheritdoc IRideMarket
    function setParameter(bytes32 name, uint256 value) external onlyGovernance {
        (uint256 min, uint256 max) = _bounds(name);
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
        uint256 changedAt = _changedAt[name];
        if (changedAt != 0 && block.timestamp < changedAt + PARAMETER_COOLDOWN) {
            revert ParameterChangeTooSoon(name, changedAt + PARAMETER_COOLDOWN);
        }
        uint256 old = _get(name);
        uint256 maxStep = (max - min) / MAX_CHANGE_DIVISOR;
        if ((value > old ? value - old : old - value) > maxStep) {
            revert ParameterChangeTooLarge(name, old, value, maxStep);
        }
        _changedAt[name] = block.timestamp;
        _set(name, value);
    }

    /// @inheritdoc IRideMarket
    function parameter(bytes32 name) external view returns (uint256 value, uint256 min, uint256 max) {
        (min, max) = _bounds(name);
        value = _get(name);
    }

    /// @inheritdoc IRideMarket
    function parameterChangedAt(bytes32 name) external view returns (uint256) {
        return _changedAt[name];
    }

    /// @inheritdoc IRideMarket
    function parameters() external view returns (Params memory, Amounts memory, RewardCaps memory) {
        Caps memory caps = _caps;
        return (_params, _amounts, RewardCaps(caps.pairFareCap, caps.driverFareCap));
    }

    /// @inheritdoc IRideMarket
    function governance() external view returns (address) {
        return _governance;
    }

    /// @dev The hard bounds. Amounts are in whole fare tokens times `_fareUnit`.
    function _bounds(bytes32 name) private view returns (uint256 min, uint256 max) {
        if (name == _FEE_BPS) return (0, 1_000); // at most 10%: never the extractive middleman
        if (name == _HOLDERS_SHARE_BPS) return (0, _BPS);
        if (name == _REWARD_PER_TOKEN) return (0, 10e18); // at most 10 RIDE per fare token
        if (name == _GRACE_PERIOD) return (0, 15 minutes);
        if (name == _PICKUP_WINDOW) return (5 minutes, 2 hours);
        if (name == _NO_SHOW_WINDOW) return (2 minutes, 1 hours);
        if (name == _CONFIRM_WINDOW) return (10 minutes, 7 days);
        if (name == _RIDE_WINDOW) return (1 hours, 2 days);
        if (name == _MIN_STAKE) return (1 * _fareUnit, 10_000 * _fareUnit);
        if (name == _CANCELLATION_FEE) return (0, 50 * _fareUnit);
        if (name == _NO_SHOW_PENALTY) return (0, 100 * _fareUnit);
        if (name == _PAIR_FARE_CAP) return (0, 10_000 * _fareUnit);
        if (name == _DRIVER_FARE_CAP) return (0, 100_000 * _fareUnit);
        // At least 0.1 token (a fee of 1 bps is then above one unit): ratings never come free.
        if (name == _MIN_FARE) return (_fareUnit / 10, 50 * _fareUnit);
        revert ParameterUnknown(name);
    }

    function _get(bytes32 name) private view returns (uint256) {
        if (name == _FEE_BPS) return _params.feeBps;
        if (name == _HOLDERS_SHARE_BPS) return _params.holdersShareBps;
        if (name == _REWARD_PER_TOKEN) return _params.rewardPerToken;
        if (name == _GRACE_PERIOD) return _params.gracePeriod;
        if (name == _PICKUP_WINDOW) return _params.pickupWindow;
        if (name == _NO_SHOW_WINDOW) return _params.noShowWindow;
        if (name == _CONFIRM_WINDOW) return _params.confirmWindow;
        if (name == _RIDE_WINDOW) return _params.rideWindow;
        if (name == _MIN_STAKE) return _amounts.minStake;
        if (name == _CANCELLATION_FEE) return _amounts.cancellationFee;
        if (name == _NO_SHOW_PENALTY) return _amounts.noShowPenalty;
        if (name == _PAIR_FARE_CAP) return _caps.pairFareCap;
        if (name == _DRIVER_FARE_CAP) return _caps.driverFareCap;
        return _caps.minFare; // _bounds rejected unknown names first
    }

    /// @dev Checks `value` against the bound, stores it and emits {ParameterChanged}. The
    /// narrowing casts are safe: every max fits its field (uint80 holds 1.2e24 > 1e5 * 1e18).
    function _set(bytes32 name, uint256 value) private {
        (uint256 min, uint256 max) = _bounds(name);
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
        uint256 old = _get(name);
        if (name == _FEE_BPS) _params.feeBps = uint16(value);
        else if (name == _HOLDERS_SHARE_BPS) _params.holdersShareBps = uint16(value);
        else if (name == _REWARD_PER_TOKEN) _params.rewardPerToken = uint64(value);
        else if (name == _GRACE_PERIOD) _params.gracePeriod = uint32(value);
        else if (name == _PICKUP_WINDOW) _params.pickupWindow = uint32(value);
        else if (name == _NO_SHOW_WINDOW) _params.noShowWindow = uint32(value);
        else if (name == _CONFIRM_WINDOW) _params.confirmWindow = uint32(value);
        else if (name == _RIDE_WINDOW) _params.rideWindow = uint32(value);
        else if (name == _MIN_STAKE) _amounts.minStake = uint80(value);
        else if (name == _CANCELLATION_FEE) _amounts.cancellationFee = uint80(value);
        else if (name == _NO_SHOW_PENALTY) _amounts.noShowPenalty = uint80(value);
        else if (name == _PAIR_FARE_CAP) _caps.pairFareCap = uint80(value);
        else if (name == _DRIVER_FARE_CAP) _caps.driverFareCap = uint80(value);
        else _caps.minFare = uint96(value);
        emit ParameterChanged(name, old, value);
    }
}
