// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRideMarket} from "../interfaces/IRideMarket.sol";

/// @title ParameterRules: the market's parameter names, hard bounds and change rules
/// @notice An external library (deployed once, linked into RideMarket) so that the cold
/// governance path does not take room in the market's bytecode, which sits at the EIP-170 limit.
/// Its functions run by DELEGATECALL in the market's storage: the market's own `_params`,
/// `_amounts` and `_caps` are read and written, and {IRideMarket-ParameterChanged} is the
/// market's event. The bounds are constants here: no vote can pass them.
library ParameterRules {
    uint256 internal constant BPS = 10_000;
    /// @dev See MarketParams.PARAMETER_COOLDOWN and MAX_CHANGE_DIVISOR.
    uint256 internal constant COOLDOWN = 7 days;
    uint256 internal constant CHANGE_DIVISOR = 4;

    bytes32 internal constant FEE_BPS = "feeBps";
    bytes32 internal constant HOLDERS_SHARE_BPS = "holdersShareBps";
    bytes32 internal constant REWARD_PER_TOKEN = "rewardPerToken";
    bytes32 internal constant GRACE_PERIOD = "gracePeriod";
    bytes32 internal constant PICKUP_WINDOW = "pickupWindow";
    bytes32 internal constant NO_SHOW_WINDOW = "noShowWindow";
    bytes32 internal constant CONFIRM_WINDOW = "confirmWindow";
    bytes32 internal constant RIDE_WINDOW = "rideWindow";
    bytes32 internal constant MIN_STAKE = "minStake";
    bytes32 internal constant CANCELLATION_FEE = "cancellationFee";
    bytes32 internal constant NO_SHOW_PENALTY = "noShowPenalty";
    bytes32 internal constant PAIR_FARE_CAP = "pairFareCap";
    bytes32 internal constant DRIVER_FARE_CAP = "driverFareCap";
    bytes32 internal constant MIN_FARE = "minFare";

    /// @dev One slot, all that `acceptRide` reads: the stake a driver must hold and the fee
    /// the ride locks in (`IRideMarket.Amounts` and `IRideMarket.Params.feeBps`: the fee sits
    /// here, not in `Params`, so that accepting reads one parameter slot, not two).
    struct Amounts {
        uint80 minStake;
        uint80 cancellationFee;
        uint80 noShowPenalty;
        uint16 feeBps;
    }

    /// @dev One slot: `IRideMarket.Params` less the fee (in `Amounts`).
    struct Params {
        uint16 holdersShareBps;
        uint64 rewardPerToken;
        uint32 gracePeriod;
        uint32 pickupWindow;
        uint32 noShowWindow;
        uint32 confirmWindow;
        uint32 rideWindow;
    }

    /// @dev One slot, read together at finalization: the reward caps (`RewardCaps`, narrowed
    /// to uint80 like `Amounts`) and the smallest fare that counts toward ratings and RIDE
    /// rewards (1 tUSD at deployment).
    struct Caps {
        uint80 pairFareCap;
        uint80 driverFareCap;
        uint96 minFare;
    }

    /// @notice `setParameter`'s rule: within the bound, at most once per cooldown, and by at
    /// most a quarter of the bound's range per change.
    function change(
        Params storage params,
        Amounts storage amounts,
        Caps storage caps,
        mapping(bytes32 name => uint256) storage changedAt,
        bytes32 name,
        uint256 value,
        uint256 fareUnit
    ) external {
        (uint256 min, uint256 max) = bounds(name, fareUnit);
        if (value < min || value > max) revert IRideMarket.ParameterOutOfBounds(name, value, min, max);
        uint256 last = changedAt[name];
        if (last != 0 && block.timestamp < last + COOLDOWN) {
            revert IRideMarket.ParameterChangeTooSoon(name, last + COOLDOWN);
        }
        uint256 old = get(params, amounts, caps, name);
        uint256 maxStep = (max - min) / CHANGE_DIVISOR;
        if ((value > old ? value - old : old - value) > maxStep) {
            revert IRideMarket.ParameterChangeTooLarge(name, old, value, maxStep);
        }
        changedAt[name] = block.timestamp;
        set(params, amounts, caps, name, value, fareUnit);
    }

    /// @notice A parameter's value and its hard bounds.
    function read(
        Params storage params,
        Amounts storage amounts,
        Caps storage caps,
        bytes32 name,
        uint256 fareUnit
    ) external view returns (uint256 value, uint256 min, uint256 max) {
        (min, max) = bounds(name, fareUnit);
        value = get(params, amounts, caps, name);
    }

    /// @dev The hard bounds. Amounts are in whole fare tokens times `fareUnit`.
    function bounds(bytes32 name, uint256 fareUnit) internal pure returns (uint256 min, uint256 max) {
        if (name == FEE_BPS) return (0, 1_000); // at most 10%: never the extractive middleman
        if (name == HOLDERS_SHARE_BPS) return (0, BPS);
        if (name == REWARD_PER_TOKEN) return (0, 10e18); // at most 10 RIDE per fare token
        if (name == GRACE_PERIOD) return (0, 15 minutes);
        if (name == PICKUP_WINDOW) return (5 minutes, 2 hours);
        if (name == NO_SHOW_WINDOW) return (2 minutes, 1 hours);
        if (name == CONFIRM_WINDOW) return (10 minutes, 7 days);
        if (name == RIDE_WINDOW) return (1 hours, 2 days);
        if (name == MIN_STAKE) return (1 * fareUnit, 10_000 * fareUnit);
        if (name == CANCELLATION_FEE) return (0, 50 * fareUnit);
        if (name == NO_SHOW_PENALTY) return (0, 100 * fareUnit);
        if (name == PAIR_FARE_CAP) return (0, 10_000 * fareUnit);
        if (name == DRIVER_FARE_CAP) return (0, 100_000 * fareUnit);
        // At least 0.1 token (a fee of 1 bps is then above one unit): ratings never come free.
        if (name == MIN_FARE) return (fareUnit / 10, 50 * fareUnit);
        revert IRideMarket.ParameterUnknown(name);
    }

    function get(
        Params storage params,
        Amounts storage amounts,
        Caps storage caps,
        bytes32 name
    ) internal view returns (uint256) {
        if (name == FEE_BPS) return amounts.feeBps;
        if (name == HOLDERS_SHARE_BPS) return params.holdersShareBps;
        if (name == REWARD_PER_TOKEN) return params.rewardPerToken;
        if (name == GRACE_PERIOD) return params.gracePeriod;
        if (name == PICKUP_WINDOW) return params.pickupWindow;
        if (name == NO_SHOW_WINDOW) return params.noShowWindow;
        if (name == CONFIRM_WINDOW) return params.confirmWindow;
        if (name == RIDE_WINDOW) return params.rideWindow;
        if (name == MIN_STAKE) return amounts.minStake;
        if (name == CANCELLATION_FEE) return amounts.cancellationFee;
        if (name == NO_SHOW_PENALTY) return amounts.noShowPenalty;
        if (name == PAIR_FARE_CAP) return caps.pairFareCap;
        if (name == DRIVER_FARE_CAP) return caps.driverFareCap;
        return caps.minFare; // bounds() rejected unknown names first
    }

    /// @notice Checks `value` against the bound, stores it and emits {IRideMarket-ParameterChanged}.
    /// The narrowing casts are safe: every max fits its field (uint80 holds 1.2e24 > 1e5 * 1e18).
    function set(
        Params storage params,
        Amounts storage amounts,
        Caps storage caps,
        bytes32 name,
        uint256 value,
        uint256 fareUnit
    ) public {
        (uint256 min, uint256 max) = bounds(name, fareUnit);
        if (value < min || value > max) revert IRideMarket.ParameterOutOfBounds(name, value, min, max);
        uint256 old = get(params, amounts, caps, name);
        if (name == FEE_BPS) amounts.feeBps = uint16(value);
        else if (name == HOLDERS_SHARE_BPS) params.holdersShareBps = uint16(value);
        else if (name == REWARD_PER_TOKEN) params.rewardPerToken = uint64(value);
        else if (name == GRACE_PERIOD) params.gracePeriod = uint32(value);
        else if (name == PICKUP_WINDOW) params.pickupWindow = uint32(value);
        else if (name == NO_SHOW_WINDOW) params.noShowWindow = uint32(value);
        else if (name == CONFIRM_WINDOW) params.confirmWindow = uint32(value);
        else if (name == RIDE_WINDOW) params.rideWindow = uint32(value);
        else if (name == MIN_STAKE) amounts.minStake = uint80(value);
        else if (name == CANCELLATION_FEE) amounts.cancellationFee = uint80(value);
        else if (name == NO_SHOW_PENALTY) amounts.noShowPenalty = uint80(value);
        else if (name == PAIR_FARE_CAP) caps.pairFareCap = uint80(value);
        else if (name == DRIVER_FARE_CAP) caps.driverFareCap = uint80(value);
        else caps.minFare = uint96(value);
        emit IRideMarket.ParameterChanged(name, old, value);
    }
}
