// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {IRideMarket} from "../interfaces/IRideMarket.sol";
import {ParameterRules} from "./ParameterRules.sol";

/// @title MarketParams: the market's governed parameters and their hard bounds
/// @notice One setter, `setParameter(name, value)`, callable only by the governance authority
/// (the timelock). Every value is checked against a bound written in {ParameterRules} that no
/// vote can pass: the cooperative fee can never exceed 10%. The rules live in that external
/// library (run by DELEGATECALL on this contract's storage) to keep RideMarket under EIP-170.
abstract contract MarketParams is Context, IRideMarket {
    uint256 internal constant _BPS = ParameterRules.BPS;

    /// @notice A parameter changes at most once per cooldown, and by at most a quarter of its
    /// bound range per change: a captured vote moves the fee 3% -> 5.5% at most, not to 10%, and
    /// every further step is another vote, another timelock and another week the holders see.
    uint256 public constant PARAMETER_COOLDOWN = ParameterRules.COOLDOWN;
    uint256 public constant MAX_CHANGE_DIVISOR = ParameterRules.CHANGE_DIVISOR;

    /// @dev 10**decimals of the fare token: amount bounds are written in whole tokens.
    uint256 internal immutable _fareUnit;
    address private immutable _governance;

    /// @dev The windows and the reward parameters (see `ParameterRules.Params`).
    ParameterRules.Params internal _params;
    /// @dev The amounts and the fee: `acceptRide`'s one slot (see `ParameterRules.Amounts`).
    ParameterRules.Amounts internal _amounts;
    /// @dev The reward caps and the minimum fare (see `ParameterRules.Caps`).
    ParameterRules.Caps internal _caps;
    /// @dev When each parameter was last changed by governance (zero: never since deployment).
    mapping(bytes32 name => uint256) private _changedAt;

    modifier onlyGovernance() {
        _checkGovernance();
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
        _set(ParameterRules.FEE_BPS, params_.feeBps);
        _set(ParameterRules.HOLDERS_SHARE_BPS, params_.holdersShareBps);
        _set(ParameterRules.REWARD_PER_TOKEN, params_.rewardPerToken);
        _set(ParameterRules.GRACE_PERIOD, params_.gracePeriod);
        _set(ParameterRules.PICKUP_WINDOW, params_.pickupWindow);
        _set(ParameterRules.NO_SHOW_WINDOW, params_.noShowWindow);
        _set(ParameterRules.CONFIRM_WINDOW, params_.confirmWindow);
        _set(ParameterRules.RIDE_WINDOW, params_.rideWindow);
        _set(ParameterRules.MIN_STAKE, amounts_.minStake);
        _set(ParameterRules.CANCELLATION_FEE, amounts_.cancellationFee);
        _set(ParameterRules.NO_SHOW_PENALTY, amounts_.noShowPenalty);
        _set(ParameterRules.PAIR_FARE_CAP, caps_.pairFareCap);
        _set(ParameterRules.DRIVER_FARE_CAP, caps_.driverFareCap);
        _set(ParameterRules.MIN_FARE, fareUnit_);
    }

    /// @inheritdoc IRideMarket
    function setParameter(bytes32 name, uint256 value) external onlyGovernance {
        ParameterRules.change(_params, _amounts, _caps, _changedAt, name, value, _fareUnit);
    }

    /// @inheritdoc IRideMarket
    function parameter(bytes32 name) external view returns (uint256 value, uint256 min, uint256 max) {
        return ParameterRules.read(_params, _amounts, _caps, name, _fareUnit);
    }

    /// @inheritdoc IRideMarket
    function parameterChangedAt(bytes32 name) external view returns (uint256) {
        return _changedAt[name];
    }

    /// @inheritdoc IRideMarket
    function parameters() external view returns (Params memory, Amounts memory, RewardCaps memory) {
        ParameterRules.Amounts memory a = _amounts;
        ParameterRules.Caps memory caps = _caps;
        return (
            Params(
                a.feeBps,
                _params.holdersShareBps,
                _params.rewardPerToken,
                _params.gracePeriod,
                _params.pickupWindow,
                _params.noShowWindow,
                _params.confirmWindow,
                _params.rideWindow
            ),
            Amounts(a.minStake, a.cancellationFee, a.noShowPenalty),
            RewardCaps(caps.pairFareCap, caps.driverFareCap)
        );
    }

    /// @inheritdoc IRideMarket
    function governance() external view returns (address) {
        return _governance;
    }

    function _checkGovernance() private view {
        address sender = _msgSender();
        if (sender != _governance) revert NotGovernance(sender);
    }

    /// @dev Checks `value` against the bound, stores it and emits {ParameterChanged}.
    function _set(bytes32 name, uint256 value) private {
        ParameterRules.set(_params, _amounts, _caps, name, value, _fareUnit);
    }
}
