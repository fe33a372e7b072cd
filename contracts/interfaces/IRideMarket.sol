// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICoopToken} from "./ICoopToken.sol";
import {IRevenueSource} from "./IRevenueSource.sol";

/// @title RideMarket: drivers, ride requests, matching, escrow, payment, rewards and ratings
/// @notice Amounts are in the fare stablecoin's smallest unit; RIDE amounts in wei (18 decimals).
interface IRideMarket is IRevenueSource {
    /// @notice The ride's place in the state machine (see docs/DESIGN.md for the arrows).
    enum RideState {
        None,
        Requested,
        Accepted,
        Started,
        Completed,
        Finalized,
        Cancelled,
        Disputed,
        Resolved
    }

    /// @notice What a rider posts. Exact points never go on chain: only coarse geohash cells
    /// (precision 5 or 6, ASCII, left-aligned) and a salted hash of the exact points.
    struct RideRequest {
        bytes6 pickupCell;
        bytes6 dropoffCell;
        bytes32 commitment; // keccak256(abi.encode(pickupLatE6, pickupLonE6, dropLatE6, dropLonE6, salt))
        uint256 maxFare; // escrowed at once
        uint40 expiresAt; // unmatched after this, anyone may expire it
        uint16 minRating; // average x100 a driver must have (0 = any; unrated drivers do not pass)
        address driver; // the only driver who may take it (zero = any)
    }

    /// @notice One ride in two storage slots.
    /// slot 0: rider (20 bytes) + fare (12): the escrow, the max fare until matched.
    /// slot 1: driver (20) + state (1) + flags (1) + feeBps (2) + minRating (2) + stamp (5).
    /// `driver` is the required driver while Requested (zero = any); `stamp` is the request's
    /// expiry while Requested, then the time of the last step (accept, arrival, pickup, completion).
    /// `minRating` is the request's filter while Requested; once the driver arrived, it holds the
    /// seconds from acceptance to arrival (at most the pickup window's bound of 2 hours).
    struct Ride {
        address rider;
        uint96 fare;
        address driver;
        RideState state;
        uint8 flags;
        uint16 feeBps;
        uint16 minRating;
        uint40 stamp;
    }

    /// @notice A driver's or rider's account, one slot: stake (12) + active ride (8) + rating
    /// sum (4) + rating count (4) + open rides (2) + registered (1).
    struct Account {
        uint96 stake;
        uint64 activeRide; // the ride a driver is driving (Accepted or Started); 0 = free
        uint32 ratingSum;
        uint32 ratingCount;
        uint16 openRides; // rides not yet finalized, cancelled or resolved: they lock the stake
        bool registered;
    }

    /// @notice Ratings received as a rider (kept apart from those received as a driver).
    struct RatingTally {
        uint32 sum;
        uint32 count;
    }

    /// @notice A driver's price offer below the rider's max fare, one slot.
    struct Offer {
        uint96 fare;
        uint40 expiresAt;
    }

    /// @notice The governed parameters. Each has a hard bound (see `parameterBounds`). Stored in
    /// two slots: the fee beside the amounts (`acceptRide` reads one slot), the rest together.
    struct Params {
        uint16 feeBps; // cooperative fee on each fare, <= 10%
        uint16 holdersShareBps; // of the fee, the share for RIDE holders; the rest to the treasury
        uint64 rewardPerToken; // RIDE wei per whole fare token of a confirmed ride
        uint32 gracePeriod; // after accept, a rider cancels free within this
        uint32 pickupWindow; // after accept, the driver must pick up within this
        uint32 noShowWindow; // after arrival, the driver waits this long for the rider
        uint32 confirmWindow; // after completion, the rider may confirm or dispute within this
        uint32 rideWindow; // after pickup, the driver must mark completion within this
    }

    /// @notice The governed amounts in the fare token, stored in one slot with the fee.
    struct Amounts {
        uint80 minStake;
        uint80 cancellationFee;
        uint80 noShowPenalty;
    }

    /// @notice A driver's RIDE: accrued and unclaimed, and the fare rewarded this epoch. One slot.
    struct RewardAccount {
        uint128 accrued;
        uint32 epoch;
        uint96 epochFare;
    }

    /// @notice The fare a rider-driver pair has had rewarded in an epoch. One slot.
    struct EpochFare {
        uint32 epoch;
        uint96 fare;
    }

    /// @notice Anti-farming caps on the fare that earns RIDE, per epoch of `EPOCH_LENGTH`.
    struct RewardCaps {
        uint96 pairFareCap; // per rider-driver pair
        uint96 driverFareCap; // per driver
    }

    // ---------------------------------------------------------------- errors

    error FareZero();
    error FareTooLarge(uint256 fare, uint256 max);
    error FareMismatch(uint256 rideId, uint256 offered, uint256 agreed);
    error InvalidExpiry(uint256 expiresAt, uint256 earliest, uint256 latest);
    error InvalidRating(uint8 rating);
    error InvalidMinRating(uint256 minRating, uint256 max);
    error AmountZero();
    /// @dev A treasury spend above what this period still allows (`TREASURY_OUTFLOW_BPS` of the
    /// treasury at the period's first spend, per `TREASURY_PERIOD`).
    error TreasuryOutflowLimit(uint256 requested, uint256 allowed);
    error RideUnknown(uint256 rideId);
    error RideWrongState(uint256 rideId, RideState current, RideState expected);
    error RideExpired(uint256 rideId, uint256 expiredAt);
    error RideNotExpired(uint256 rideId, uint256 expiresAt);
    error NotRider(uint256 rideId, address caller);
    error NotDriver(uint256 rideId, address caller);
    error NotParty(uint256 rideId, address caller);
    error NotCourt(address caller);
    error NotGovernance(address caller);
    error NotInitializer(address caller);
    error CourtAlreadySet(address court);
    error DriverNotRegistered(address driver);
    error DriverAlreadyRegistered(address driver);
    error DriverNotAllowed(uint256 rideId, address driver, address required);
    error DriverRatingTooLow(address driver, uint256 average, uint256 required);
    error DriverBusy(address driver, uint256 activeRide);
    error StakeBelowMinimum(address driver, uint256 stake, uint256 minimum);
    error StakeLocked(address driver, uint256 openRides);
    error StakeInsufficient(address driver, uint256 requested, uint256 available);
    error OfferUnknown(uint256 rideId, address driver);
    error OfferExpired(uint256 rideId, address driver, uint256 expiredAt);
    error WindowNotPassed(uint256 rideId, uint256 opensAt);
    error WindowPassed(uint256 rideId, uint256 closedAt);
    error AlreadyArrived(uint256 rideId);
    error NotArrived(uint256 rideId);
    error AlreadyRated(uint256 rideId, address rater);
    error NotWronged(uint256 rideId, address rater);
    error FareBelowMinimum(uint256 rideId, uint256 fare, uint256 minFare);
    error RideHasOffers(uint256 rideId);
    error NothingToWithdraw(address account);
    /// @dev A request funded from credit above the rider's credit in the market.
    error CreditInsufficient(address account, uint256 needed, uint256 available);
    error NothingToClaim(address driver);
    error SplitTooLarge(uint256 rideId, uint256 riderAmount, uint256 fare);
    error ParameterUnknown(bytes32 name);
    error ParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);
    /// @dev One change may move a parameter by at most a quarter of its bound range (`maxStep`).
    error ParameterChangeTooLarge(bytes32 name, uint256 oldValue, uint256 newValue, uint256 maxStep);
    /// @dev A parameter changes at most once per `PARAMETER_COOLDOWN`; the next change from `allowedAt`.
    error ParameterChangeTooSoon(bytes32 name, uint256 allowedAt);
    error SweepExceedsSurplus(address token, uint256 requested, uint256 available);
    error FeeOnTransferToken(uint256 sent, uint256 received);
    error RideCapTooLarge(uint256 cap, uint256 max);

    // ---------------------------------------------------------------- events

    event DriverRegistered(address indexed driver, uint256 stake);
    event StakeAdded(address indexed driver, uint256 amount, uint256 stake);
    event StakeWithdrawn(address indexed driver, uint256 amount, uint256 stake);
    event DriverDeregistered(address indexed driver, uint256 returned);
    event StakePenalized(address indexed driver, uint256 indexed rideId, uint256 amount, uint256 stake);

    /// @notice A ride was requested; drivers watch `pickupArea` (the pickup cell's 5-character prefix).
    event RideRequested(
        uint256 indexed rideId,
        address indexed rider,
        bytes32 indexed pickupArea,
        bytes6 pickupCell,
        bytes6 dropoffCell,
        bytes32 commitment,
        uint256 maxFare,
        uint40 expiresAt,
        uint16 minRating,
        address driver
    );
    event OfferMade(uint256 indexed rideId, address indexed driver, uint256 fare, uint40 expiresAt);
    event RideAccepted(uint256 indexed rideId, address indexed driver, uint256 fare, uint16 feeBps, uint256 refunded);
    event DriverArrived(uint256 indexed rideId, address indexed driver);
    event RideStarted(uint256 indexed rideId, address indexed driver);
    event RideCompleted(uint256 indexed rideId, address indexed driver, uint40 confirmBy);
    event RideFinalized(
        uint256 indexed rideId,
        address indexed driver,
        uint256 driverAmount,
        uint256 holdersAmount,
        uint256 treasuryAmount,
        uint256 reward
    );
    /// @notice A ride ended without being driven. `reason` names the rule that applied.
    event RideCancelled(
        uint256 indexed rideId,
        bytes32 indexed reason,
        address indexed by,
        uint256 riderRefund,
        uint256 driverAmount
    );
    event RideDisputed(uint256 indexed rideId, address indexed by);
    event RideResolved(uint256 indexed rideId, uint256 riderAmount, uint256 driverAmount, uint256 stakePenalty);
    event Rated(uint256 indexed rideId, address indexed rater, address indexed ratee, uint8 rating);
    event Credited(address indexed account, uint256 amount, uint256 balance);
    event Withdrawn(address indexed account, address indexed to, uint256 amount);
    /// @notice `account` paid `amount` into its credit in the market (`deposit`); `balance` after.
    event Deposited(address indexed account, uint256 amount, uint256 balance);
    /// @notice `account` escrowed `amount` of its credit for `rideId` (`requestRideFromCredit`).
    event CreditSpent(address indexed account, uint256 indexed rideId, uint256 amount, uint256 balance);
    event RewardsClaimed(address indexed driver, uint256 amount);
    event TreasuryWithdrawn(address indexed to, uint256 amount);
    /// @notice A new treasury period began: `allowance` may be spent in it.
    event TreasuryPeriodOpened(uint256 indexed period, uint256 allowance);
    event ParameterChanged(bytes32 indexed name, uint256 oldValue, uint256 newValue);
    event CourtSet(address indexed court);
    event Swept(address indexed token, address indexed to, uint256 amount);

    // ---------------------------------------------------------------- wiring

    /// @notice Fixes the dispute court. Callable once, by the deployer, during deployment.
    /// Requirements: caller is the deployer; the court is unset. Emits {CourtSet}.
    function setCourt(address court_) external;

    // ---------------------------------------------------------------- drivers

    /// @notice Registers the caller as a driver with `stake` of the fare token.
    /// Requirements: not registered; stake >= minStake; approved. Emits {DriverRegistered}.
    function registerDriver(uint256 stake) external;

    /// @notice Adds `amount` to the caller's stake.
    /// Requirements: registered; amount > 0; approved. Emits {StakeAdded}.
    function addStake(uint256 amount) external;

    /// @notice Sends `amount` of the caller's stake back, keeping at least minStake.
    /// Requirements: registered; no open ride or dispute; amount <= stake - minStake.
    /// Emits {StakeWithdrawn}.
    function withdrawStake(uint256 amount) external;

    /// @notice Ends the caller's registration and sends the whole stake back.
    /// Requirements: registered; no open ride or dispute. Emits {DriverDeregistered}.
    function deregisterDriver() external;

    // ---------------------------------------------------------------- riders

    /// @notice Posts a ride request and escrows `request.maxFare` (approve first).
    /// Requirements: 0 < maxFare < 2^96; cells of precision 5 or 6; now < expiresAt <= now + 1 day;
    /// minRating <= 500. Emits {RideRequested}.
    function requestRide(RideRequest calldata request) external returns (uint256 rideId);

    /// @notice {requestRide} with an EIP-2612 permit for `request.maxFare`, in one transaction.
    /// A permit that someone already submitted does not make it fail while the allowance stands.
    function requestRideWithPermit(
        RideRequest calldata request,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 rideId);

    /// @notice {requestRide} escrowing `request.maxFare` from the caller's credit in the market
    /// (deposits, refunds, earnings) instead of its wallet: no token call, like a transit card.
    /// Requirements: as {requestRide}; credit >= maxFare (`CreditInsufficient`).
    /// Emits {CreditSpent} and {RideRequested}.
    function requestRideFromCredit(RideRequest calldata request) external returns (uint256 rideId);

    /// @notice Pays `amount` of the fare token (approve first) into the caller's credit, which
    /// {requestRideFromCredit} spends and {withdraw} returns. Requirements: amount > 0.
    /// Emits {Deposited}.
    function deposit(uint256 amount) external;

    /// @notice {deposit} with an EIP-2612 permit for `amount`, in one transaction. A permit that
    /// someone already submitted does not make it fail while the allowance stands.
    function depositWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice The rider cancels. Requested: full refund. Accepted: free within the grace period,
    /// and once the driver arrived only until ARRIVAL_NOTICE after the arrival; otherwise the
    /// cancellation fee goes to the driver, who may then rate the rider.
    /// Requirements: caller is the rider; state Requested or Accepted. Emits {RideCancelled}.
    function cancelRide(uint256 rideId) external;

    /// @notice Anyone cancels an unmatched request after its expiry; the rider is refunded.
    /// Requirements: state Requested; now > expiresAt. Emits {RideCancelled}.
    function expireRequest(uint256 rideId) external;

    // ---------------------------------------------------------------- matching

    /// @notice A driver accepts at the rider's fare; `fare` must equal it. Closed once any driver
    /// made an offer: the rider then picks, and nobody front-runs its pick at the max fare.
    /// Requirements: request open; no offer made; registered, free, staked driver passing the filters.
    /// Emits {RideAccepted}.
    function acceptRide(uint256 rideId, uint256 fare) external;

    /// @notice A driver offers to drive for `fare`, below the rider's max, until `expiresAt`.
    /// Requirements: request open; eligible driver; 0 < fare < maxFare; now < expiresAt <= the
    /// request's expiry. Emits {OfferMade}. Closes {acceptRide} for the request.
    function makeOffer(uint256 rideId, uint256 fare, uint40 expiresAt) external;

    /// @notice The rider takes `driver`'s offer at `fare`; the escrow above it is credited back.
    /// Requirements: caller is the rider; the offer exists, is live and is for exactly `fare`;
    /// the driver is still eligible and free. Emits {RideAccepted}.
    function acceptOffer(uint256 rideId, address driver, uint256 fare) external;

    // ---------------------------------------------------------------- the ride

    /// @notice The driver is at the pickup point (starts the no-show window; ends the rider's free
    /// cancellation ARRIVAL_NOTICE later, if the grace period has not ended first).
    /// Requirements: caller is the driver; state Accepted; not yet arrived; within the pickup
    /// window (after it, the rider's driver-no-show claim is open instead). Emits {DriverArrived}.
    function markArrived(uint256 rideId) external;

    /// @notice The driver picked the rider up.
    /// Requirements: caller is the driver; state Accepted. Emits {RideStarted}.
    function startRide(uint256 rideId) external;

    /// @notice The driver marks the drop-off when the rider did not confirm; the confirmation
    /// window starts and the driver is free for the next ride.
    /// Requirements: caller is the driver; state Started. Emits {RideCompleted}.
    function completeRide(uint256 rideId) external;

    /// @notice The rider confirms the ride with a rating of the driver (1-5): the ride is paid
    /// out at once and RIDE accrues to the driver. Below the `minFare` parameter the rating is
    /// not counted and no RIDE accrues.
    /// Requirements: caller is the rider; state Started or Completed. Emits {Rated} (when counted),
    /// {RideFinalized}.
    function confirmRide(uint256 rideId, uint8 rating) external;

    /// @notice Anyone pays out a completed ride whose rider stayed silent through the window.
    /// No RIDE accrues: rewards need the rider's confirmation.
    /// Requirements: state Completed; the confirmation window passed. Emits {RideFinalized}.
    function finalizeRide(uint256 rideId) external;

    /// @notice Cancels a ride whose driver neither arrived nor picked up within the pickup
    /// window: full refund plus the no-show penalty from the driver's stake, to the rider.
    /// Requirements: state Accepted, not arrived; the window passed (for anyone but the rider,
    /// KEEPER_DELAY more). Emits {StakePenalized}, {RideCancelled}.
    function cancelDriverNoShow(uint256 rideId) external;

    /// @notice Cancels a ride whose rider did not show up within the no-show window after the
    /// driver arrived: the cancellation fee to the driver, the rest back to the rider.
    /// Requirements: state Accepted, arrived; the window passed (for anyone but the driver,
    /// KEEPER_DELAY more). Emits {RideCancelled}.
    function cancelRiderNoShow(uint256 rideId) external;

    /// @notice Anyone refunds the rider of a started ride the driver never completed.
    /// Requirements: state Started; the ride window passed. Emits {RideCancelled}.
    function reclaimAbandoned(uint256 rideId) external;

    /// @notice A party rates the other (1-5) once, after finalization; or, on a ride cancelled by
    /// the other party's fault (driver no-show, abandoned ride, rider no-show, paid rider
    /// cancellation), the wronged party rates once. Only a rater's latest rating of a ratee
    /// counts; riders and drivers have separate averages.
    /// Requirements: state Finalized, or Cancelled with the caller wronged; caller is rider or
    /// driver; not rated yet; fare >= minFare. Emits {Rated}.
    function rate(uint256 rideId, uint8 rating) external;

    // ---------------------------------------------------------------- disputes (court only)

    /// @notice Freezes a ride for a dispute opened by party `by`.
    /// Requirements: caller is the court; state Accepted, Started or Completed; `by` is a party.
    /// Emits {RideDisputed}.
    function openDispute(uint256 rideId, address by) external returns (address rider, address driver, uint256 fare);

    /// @notice Splits a disputed ride's escrow: `riderAmount` to the rider, the rest to the
    /// driver, and up to `stakePenalty` of the driver's stake to the rider.
    /// Requirements: caller is the court; state Disputed; riderAmount <= fare. Emits {RideResolved}.
    function resolveDispute(uint256 rideId, uint256 riderAmount, uint256 stakePenalty) external;

    // ---------------------------------------------------------------- money out

    /// @notice Sends the caller's whole credit to `to`.
    /// Requirements: a non-zero credit. Emits {Withdrawn}.
    function withdraw(address to) external returns (uint256 amount);

    /// @notice Mints all the caller's accrued RIDE.
    /// Requirements: something accrued. Emits {RewardsClaimed}.
    function claimRewards() external returns (uint256 amount);

    /// @notice Governance spends `amount` of the treasury's fees.
    /// Requirements: caller is governance; amount <= what this period still allows
    /// (`TREASURY_OUTFLOW_BPS` of the treasury as it stood at the period's first spend).
    /// Emits {TreasuryPeriodOpened} on a period's first spend, and {TreasuryWithdrawn}.
    function withdrawTreasury(address to, uint256 amount) external;

    /// @notice Governance recovers tokens sent here by mistake, never what the market owes.
    /// Requirements: caller is governance; amount <= balance - owed. Emits {Swept}.
    function sweep(IERC20 token, address to, uint256 amount) external;

    /// @notice Governance sets one parameter by name, within its hard bound.
    /// Requirements: caller is governance; a known name; min <= value <= max; the value moves
    /// by at most (max - min) / 4; the parameter last changed `PARAMETER_COOLDOWN` ago or more.
    /// Emits {ParameterChanged}.
    function setParameter(bytes32 name, uint256 value) external;

    // ---------------------------------------------------------------- views

    function getRide(uint256 rideId) external view returns (Ride memory);

    function getAccount(address who) external view returns (Account memory);

    function getOffer(uint256 rideId, address driver) external view returns (Offer memory);

    function creditOf(address who) external view returns (uint256);

    function rewardsOf(address driver) external view returns (RewardAccount memory);

    function pairEpoch(address rider, address driver) external view returns (EpochFare memory);

    /// @notice Average rating x100 (e.g. 475 = 4.75) received as a driver, and the number of
    /// counted ratings (one per rater: its latest).
    function averageRating(address who) external view returns (uint256 averageX100, uint256 count);

    /// @notice Average rating x100 received as a rider, and the number of counted ratings.
    function riderRating(address who) external view returns (uint256 averageX100, uint256 count);

    /// @notice The counted rating `rater` gave `ratee` as a driver (`asDriver`) or rider; 0 = none.
    function ratingOf(address rater, address ratee, bool asDriver) external view returns (uint8);

    /// @notice Next ride id; total owed; the treasury's fees; RIDE earned. (The holders' share of
    /// each fee is deposited into RIDE's revenue share at finalization: nothing waits here.)
    function totals() external view returns (uint256 nextRideId, uint256 owed, uint256 treasuryPending, uint256 earned);

    /// @notice The epoch the RIDE price was last set for, and that price: the RIDE, in
    /// millionths, one whole fare token of fee buys at most (`type(uint64).max`: no price applies).
    function rewardPrice() external view returns (uint256 epoch, uint256 ridePerFee);

    /// @notice A parameter's value and hard bounds.
    function parameter(bytes32 name) external view returns (uint256 value, uint256 min, uint256 max);

    /// @notice When governance last changed `name` (zero: never since deployment); the next
    /// change is allowed from this plus `PARAMETER_COOLDOWN`.
    function parameterChangedAt(bytes32 name) external view returns (uint256);

    function parameters() external view returns (Params memory, Amounts memory, RewardCaps memory);

    function governance() external view returns (address);

    function fareToken() external view returns (IERC20);

    function rideToken() external view returns (ICoopToken);

    function court() external view returns (address);
}
