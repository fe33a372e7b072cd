// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICoopToken} from "../interfaces/ICoopToken.sol";
import {IRideMarket} from "../interfaces/IRideMarket.sol";
import {IRevenueSource} from "../interfaces/IRevenueSource.sol";
import {MarketParams} from "./MarketParams.sol";
import {ParameterRules} from "./ParameterRules.sol";
import {Geohash} from "../libraries/Geohash.sol";

/// @title RideMarket
/// @notice Riders and drivers deal directly: the fare sits in escrow until the ride is done,
/// every payout is a credit its owner withdraws, and drivers earn RIDE for confirmed rides.
/// No function loops over rides, drivers or riders: every call costs the same gas at any scale.
// The epoch price shares the treasury slot (one more declaration, no more storage slots).
// solhint-disable-next-line max-states-count
contract RideMarket is ReentrancyGuardTransient, MarketParams, ERC2771Context {
    using SafeERC20 for IERC20;

    uint8 private constant _ARRIVED = 1;
    uint8 private constant _RIDER_RATED = 2;
    uint8 private constant _DRIVER_RATED = 4;
    /// @dev A driver offered a price: the request is the rider's to match, `acceptRide` is closed.
    uint8 private constant _OFFERED = 8;
    /// @dev Set when a ride is cancelled by the other party's fault: the wronged party may rate.
    uint8 private constant _RIDER_WRONGED = 16;
    uint8 private constant _DRIVER_WRONGED = 32;

    bytes32 private constant _REASON_RIDER = "rider";
    bytes32 private constant _REASON_EXPIRED = "expired";
    bytes32 private constant _REASON_DRIVER_NO_SHOW = "driver-no-show";
    bytes32 private constant _REASON_RIDER_NO_SHOW = "rider-no-show";
    bytes32 private constant _REASON_ABANDONED = "abandoned";

    /// @notice The longest a request may stay open.
    uint256 public constant MAX_REQUEST_TTL = 1 days;
    /// @notice After a deadline that lets a party act, anyone may act once this much more passed.
    uint256 public constant KEEPER_DELAY = 1 days;
    /// @notice RIDE reward caps reset every epoch.
    uint256 public constant EPOCH_LENGTH = 7 days;
    /// @notice An arrival ends the rider's free cancellation only this long after it is marked,
    /// so the rider can see it (shorter than the shortest no-show window, 2 minutes).
    uint256 public constant ARRIVAL_NOTICE = 1 minutes;
    /// @notice The treasury may be spent by at most `TREASURY_OUTFLOW_BPS` of itself per period,
    /// so that a majority, however obtained, drains it no faster than the minority can react.
    uint256 public constant TREASURY_PERIOD = 30 days;
    uint256 public constant TREASURY_OUTFLOW_BPS = 1_000;
    /// @dev `Flows.ridePerFee` when no price applies yet (no RIDE or no fee history).
    uint256 private constant _UNPRICED = type(uint64).max;
    /// @dev `Flows.ridePerFee` counts RIDE in millionths (1e12 wei).
    uint256 private constant _MICRO_RIDE = 1e12;

    /// @dev What `_credits` holds above the credit once an account was credited (see there).
    uint256 private constant _CREDIT_MARKER = 1;

    IERC20 private immutable _fareToken;
    ICoopToken private immutable _rideToken;
    /// @dev The RIDE cap, read once: rewards never accrue past it.
    uint256 private immutable _rideCap;
    address private immutable _initializer;
    address private _court;

    /// @dev One slot: the next ride id and everything the market owes (escrows, stakes,
    /// credits, undistributed fees). Updated only when tokens enter or leave.
    uint64 private _nextRideId = 1;
    uint192 private _totalOwed;

    /// @dev One slot, written by a rewarded ride: RIDE earned by all rides so far (claimed or
    /// not; never above the token's cap), what may still be spent this treasury period, the
    /// period (timestamp / TREASURY_PERIOD) that allowance belongs to, and the epoch the RIDE
    /// price was set for (read by the reward, which writes this slot anyway).
    uint96 private _rewardsEarned;
    uint96 private _treasuryAllowance;
    uint32 private _treasuryPeriod;
    uint32 private _priceEpoch;

    /// @dev One slot, written at every finalization, rewarded or not: the treasury's fees, the
    /// holders' revenue recorded in RIDE's accumulator but kept here (and owed) until RIDE
    /// collects it with `sendRevenue`, and the epoch's price: RIDE (in millionths) one whole fare
    /// token of fee buys at most. Both fee pools in one slot: a finalization without a reward
    /// (`finalizeRide`) writes one slot, not two.
    struct Flows {
        uint96 treasuryPending;
        uint96 revenueUnsent;
        uint64 ridePerFee;
    }

    Flows private _flows;

    /// @dev What a rider and a driver share, one slot: the fare rewarded to the pair this epoch
    /// (its anti-farming cap) and each one's counted rating of the other (only the latest counts:
    /// one counterparty moves an average by one rating at most). A confirmation reads and writes
    /// this one slot for the rating and the cap: the pair's first ride fills one fresh slot, not
    /// two, and a repeat ride reads no second cold slot.
    struct Pair {
        uint32 epoch;
        uint96 fare;
        uint8 riderRating; // the rider's latest rating of the driver (0: none)
        uint8 driverRating; // the driver's latest rating of the rider (0: none)
    }

    mapping(uint256 rideId => Ride) private _rides;
    mapping(address account => Account) private _accounts;
    /// @dev Withdrawable credit plus one, once an account was ever credited (0 = never): a
    /// withdrawal leaves the marker 1, so the next credit rewrites a non-zero slot (2,900 gas)
    /// instead of filling an empty one (20,000). See `_creditOf`.
    mapping(address account => uint256) private _credits;
    mapping(uint256 rideId => mapping(address driver => Offer)) private _offers;
    mapping(address driver => RewardAccount) private _rewards;
    /// @dev Keyed by `_pairKey(rider, driver)`, see `Pair`.
    mapping(bytes32 pair => Pair) private _pairs;
    mapping(address rider => RatingTally) private _riderRatings;

    /// @dev For a function that makes no external call: it cannot re-enter itself, so it only
    /// refuses to run inside another guarded call (cross-function reentrancy), without writing
    /// the guard (about 200 gas less than `nonReentrant`).
    modifier notEntered() {
        if (_reentrancyGuardEntered()) revert ReentrancyGuardReentrantCall();
        _;
    }

    modifier onlyCourt() {
        _checkCourt();
        _;
    }

    /// @param fareToken_ The stablecoin fares are paid in (no fee on transfer, no rebasing).
    /// @param rideToken_ RIDE; this market must become its minter.
    /// @param governance_ The timelock: the only authority over parameters and the treasury.
    /// @param params_ Initial parameters, each checked against its hard bound.
    /// @param trustedForwarder_ The suite's ERC-2771 forwarder (RideCoopForwarder): a request it
    /// relays acts as its signer (see docs/DESIGN.md, "Gasless").
    constructor(
        IERC20 fareToken_,
        ICoopToken rideToken_,
        address governance_,
        Params memory params_,
        Amounts memory amounts_,
        RewardCaps memory caps_,
        address trustedForwarder_
    )
        MarketParams(governance_, 10 ** IERC20Metadata(address(fareToken_)).decimals(), params_, amounts_, caps_)
        ERC2771Context(trustedForwarder_)
    {
        _fareToken = fareToken_;
        _rideToken = rideToken_;
        uint256 rideCap = rideToken_.cap();
        if (rideCap > type(uint96).max) revert RideCapTooLarge(rideCap, type(uint96).max);
        _rideCap = rideCap;
        _initializer = _msgSender();
        _flows.ridePerFee = uint64(_UNPRICED);
        _priceEpoch = uint32(block.timestamp / EPOCH_LENGTH);
    }

    // ================================================================ wiring

    /// @inheritdoc IRideMarket
    function setCourt(address court_) external {
        address sender = _msgSender();
        if (sender != _initializer) revert NotInitializer(sender);
        if (_court != address(0)) revert CourtAlreadySet(_court);
        _court = court_;
        emit CourtSet(court_);
    }

    // ================================================================ drivers

    /// @inheritdoc IRideMarket
    function registerDriver(uint256 stake) external nonReentrant {
        address driver = _msgSender();
        Account storage acc = _accounts[driver];
        if (acc.registered) revert DriverAlreadyRegistered(driver);
        uint256 minimum = _amounts.minStake;
        uint256 total = acc.stake + stake;
        if (total < minimum) revert StakeBelowMinimum(driver, total, minimum);
        acc.registered = true;
        acc.stake = _toUint96(total);
        _pull(driver, stake);
        emit DriverRegistered(driver, total);
    }

    /// @inheritdoc IRideMarket
    function addStake(uint256 amount) external nonReentrant {
        address driver = _msgSender();
        Account storage acc = _accounts[driver];
        if (!acc.registered) revert DriverNotRegistered(driver);
        if (amount == 0) revert AmountZero();
        uint256 total = acc.stake + amount;
        acc.stake = _toUint96(total);
        _pull(driver, amount);
        emit StakeAdded(driver, amount, total);
    }

    /// @inheritdoc IRideMarket
    function withdrawStake(uint256 amount) external nonReentrant {
        address driver = _msgSender();
        Account storage acc = _accounts[driver];
        if (!acc.registered) revert DriverNotRegistered(driver);
        if (acc.openRides != 0) revert StakeLocked(driver, acc.openRides);
        uint256 stake = acc.stake;
        if (amount > stake) revert StakeInsufficient(driver, amount, stake);
        uint256 remaining = stake - amount;
        if (remaining < _amounts.minStake) revert StakeBelowMinimum(driver, remaining, _amounts.minStake);
        acc.stake = uint96(remaining);
        emit StakeWithdrawn(driver, amount, remaining);
        _push(driver, amount);
    }

    /// @inheritdoc IRideMarket
    function deregisterDriver() external nonReentrant {
        address driver = _msgSender();
        Account storage acc = _accounts[driver];
        if (!acc.registered) revert DriverNotRegistered(driver);
        if (acc.openRides != 0) revert StakeLocked(driver, acc.openRides);
        uint256 stake = acc.stake;
        acc.stake = 0;
        acc.registered = false;
        emit DriverDeregistered(driver, stake);
        if (stake != 0) _push(driver, stake);
    }

    // ================================================================ requests

    /// @inheritdoc IRideMarket
    function requestRide(RideRequest calldata request) external nonReentrant returns (uint256 rideId) {
        rideId = _request(request, false);
    }

    /// @inheritdoc IRideMarket
    function requestRideWithPermit(
        RideRequest calldata request,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 rideId) {
        // A permit already used by a front-runner leaves the allowance in place: go on.
        try IERC20Permit(address(_fareToken)).permit(_msgSender(), address(this), request.maxFare, deadline, v, r, s) {
            // solhint-disable-previous-line no-empty-blocks
        } catch {}
        rideId = _request(request, false);
    }

    /// @inheritdoc IRideMarket
    /// @dev No token call: the check-only guard suffices (no reentrancy from here).
    function requestRideFromCredit(RideRequest calldata request) external notEntered returns (uint256 rideId) {
        rideId = _request(request, true);
    }

    /// @inheritdoc IRideMarket
    function deposit(uint256 amount) external nonReentrant {
        _deposit(amount);
    }

    /// @inheritdoc IRideMarket
    function depositWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external nonReentrant {
        // A permit already used by a front-runner leaves the allowance in place: go on.
        try IERC20Permit(address(_fareToken)).permit(_msgSender(), address(this), amount, deadline, v, r, s) {
            // solhint-disable-previous-line no-empty-blocks
        } catch {}
        _deposit(amount);
    }

    /// @inheritdoc IRideMarket
    function cancelRide(uint256 rideId) external nonReentrant {
        Ride storage ride = _rides[rideId];
        address rider = ride.rider;
        if (rider == address(0)) revert RideUnknown(rideId);
        _checkRider(rideId, rider);
        RideState state = ride.state;
        if (state == RideState.Requested) {
            ride.state = RideState.Cancelled;
            uint256 fare = ride.fare;
            _credit(rider, fare);
            emit RideCancelled(rideId, _REASON_RIDER, rider, fare, 0);
            return;
        }
        if (state != RideState.Accepted) revert RideWrongState(rideId, state, RideState.Accepted);
        // Free within the grace period, and after an arrival only until the rider could see it.
        uint256 acceptedAt = ride.stamp;
        uint256 freeUntil = acceptedAt + _params.gracePeriod;
        if ((ride.flags & _ARRIVED) != 0) {
            // While arrived, `minRating` holds the seconds from acceptance to arrival.
            acceptedAt -= ride.minRating;
            freeUntil = _min(acceptedAt + _params.gracePeriod, uint256(ride.stamp) + ARRIVAL_NOTICE);
        }
        if (block.timestamp <= freeUntil) {
            _cancelAccepted(rideId, ride, _REASON_RIDER, 0);
        } else {
            ride.flags |= _DRIVER_WRONGED;
            _cancelAccepted(rideId, ride, _REASON_RIDER, _amounts.cancellationFee);
        }
    }

    /// @inheritdoc IRideMarket
    function expireRequest(uint256 rideId) external nonReentrant {
        Ride storage ride = _requireState(rideId, RideState.Requested);
        uint256 expiresAt = ride.stamp;
        if (block.timestamp <= expiresAt) revert RideNotExpired(rideId, expiresAt);
        ride.state = RideState.Cancelled;
        uint256 fare = ride.fare;
        _credit(ride.rider, fare);
        emit RideCancelled(rideId, _REASON_EXPIRED, _msgSender(), fare, 0);
    }

    // ================================================================ matching

    /// @inheritdoc IRideMarket
    function acceptRide(uint256 rideId, uint256 fare) external notEntered {
        Ride storage ride = _requireOpenRequest(rideId);
        if ((ride.flags & _OFFERED) != 0) revert RideHasOffers(rideId);
        uint256 escrow = ride.fare;
        if (fare != escrow) revert FareMismatch(rideId, fare, escrow);
        _match(rideId, ride, _msgSender(), escrow);
    }

    /// @inheritdoc IRideMarket
    function makeOffer(uint256 rideId, uint256 fare, uint40 expiresAt) external {
        Ride storage ride = _requireOpenRequest(rideId);
        address driver = _msgSender();
        _checkDriverEligible(rideId, ride, driver);
        if (fare == 0) revert FareZero();
        uint256 maxFare = ride.fare;
        if (fare >= maxFare) revert FareTooLarge(fare, maxFare - 1);
        uint256 latest = ride.stamp;
        if (expiresAt <= block.timestamp || expiresAt > latest) {
            revert InvalidExpiry(expiresAt, block.timestamp + 1, latest);
        }
        _offers[rideId][driver] = Offer({fare: uint96(fare), expiresAt: expiresAt});
        if ((ride.flags & _OFFERED) == 0) ride.flags |= _OFFERED;
        emit OfferMade(rideId, driver, fare, expiresAt);
    }

    /// @inheritdoc IRideMarket
    function acceptOffer(uint256 rideId, address driver, uint256 fare) external nonReentrant {
        Ride storage ride = _requireOpenRequest(rideId);
        _checkRider(rideId, ride.rider);
        Offer memory offer = _offers[rideId][driver];
        if (offer.expiresAt == 0) revert OfferUnknown(rideId, driver);
        if (block.timestamp > offer.expiresAt) revert OfferExpired(rideId, driver, offer.expiresAt);
        if (fare != offer.fare) revert FareMismatch(rideId, fare, offer.fare);
        delete _offers[rideId][driver];
        _match(rideId, ride, driver, fare);
    }

    // ================================================================ the ride

    /// @inheritdoc IRideMarket
    function markArrived(uint256 rideId) external {
        Ride storage ride = _requireDriverInState(rideId, RideState.Accepted);
        if ((ride.flags & _ARRIVED) != 0) revert AlreadyArrived(rideId);
        uint256 acceptedAt = ride.stamp;
        uint256 closesAt = acceptedAt + _params.pickupWindow;
        // After the pickup window the rider's driver-no-show claim is open: no late arrival.
        if (block.timestamp > closesAt) revert WindowPassed(rideId, closesAt);
        ride.flags |= _ARRIVED;
        // Below the pickup window's bound of 2 hours: fits 16 bits. The filter was spent at matching.
        ride.minRating = uint16(block.timestamp - acceptedAt);
        ride.stamp = uint40(block.timestamp);
        emit DriverArrived(rideId, ride.driver);
    }

    /// @inheritdoc IRideMarket
    function startRide(uint256 rideId) external {
        Ride storage ride = _requireDriverInState(rideId, RideState.Accepted);
        ride.state = RideState.Started;
        ride.stamp = uint40(block.timestamp);
        emit RideStarted(rideId, ride.driver);
    }

    /// @inheritdoc IRideMarket
    function completeRide(uint256 rideId) external {
        Ride storage ride = _requireDriverInState(rideId, RideState.Started);
        address driver = ride.driver;
        ride.state = RideState.Completed;
        ride.stamp = uint40(block.timestamp);
        // The driver is free to drive again; the stake stays locked until the ride ends.
        _accounts[driver].activeRide = 0;
        emit RideCompleted(rideId, driver, uint40(block.timestamp + _params.confirmWindow));
    }

    /// @inheritdoc IRideMarket
    function confirmRide(uint256 rideId, uint8 rating) external nonReentrant {
        Ride storage ride = _rides[rideId];
        if (ride.rider == address(0)) revert RideUnknown(rideId);
        _checkRider(rideId, ride.rider);
        RideState state = ride.state;
        if (state != RideState.Started && state != RideState.Completed) {
            revert RideWrongState(rideId, state, RideState.Started);
        }
        _checkRating(rating);
        // `_finalize` sets the rider's rated flag with the state (one write of the slot).
        _finalize(rideId, ride, rating, true);
    }

    /// @inheritdoc IRideMarket
    function finalizeRide(uint256 rideId) external nonReentrant {
        Ride storage ride = _requireState(rideId, RideState.Completed);
        uint256 opensAt = uint256(ride.stamp) + _params.confirmWindow;
        if (block.timestamp <= opensAt) revert WindowNotPassed(rideId, opensAt);
        _finalize(rideId, ride, 0, false);
    }

    /// @inheritdoc IRideMarket
    function cancelDriverNoShow(uint256 rideId) external nonReentrant {
        Ride storage ride = _requireState(rideId, RideState.Accepted);
        if ((ride.flags & _ARRIVED) != 0) revert AlreadyArrived(rideId);
        uint256 opensAt = uint256(ride.stamp) + _params.pickupWindow;
        _checkPartyDeadline(rideId, ride.rider, opensAt);
        address driver = ride.driver;
        Account storage acc = _accounts[driver];
        uint256 penalty = _min(_amounts.noShowPenalty, acc.stake);
        if (penalty != 0) {
            acc.stake -= uint96(penalty);
            emit StakePenalized(driver, rideId, penalty, acc.stake);
        }
        // The rider gets the escrow back plus the penalty; the driver nothing.
        ride.flags |= _RIDER_WRONGED;
        _endRide(rideId, ride, RideState.Cancelled);
        uint256 refund = uint256(ride.fare) + penalty;
        _credit(ride.rider, refund);
        emit RideCancelled(rideId, _REASON_DRIVER_NO_SHOW, _msgSender(), refund, 0);
    }

    /// @inheritdoc IRideMarket
    function cancelRiderNoShow(uint256 rideId) external nonReentrant {
        Ride storage ride = _requireState(rideId, RideState.Accepted);
        if ((ride.flags & _ARRIVED) == 0) revert NotArrived(rideId);
        uint256 opensAt = uint256(ride.stamp) + _params.noShowWindow;
        _checkPartyDeadline(rideId, ride.driver, opensAt);
        ride.flags |= _DRIVER_WRONGED;
        _cancelAccepted(rideId, ride, _REASON_RIDER_NO_SHOW, _amounts.cancellationFee);
    }

    /// @inheritdoc IRideMarket
    function reclaimAbandoned(uint256 rideId) external nonReentrant {
        Ride storage ride = _requireState(rideId, RideState.Started);
        uint256 opensAt = uint256(ride.stamp) + _params.rideWindow;
        if (block.timestamp <= opensAt) revert WindowNotPassed(rideId, opensAt);
        ride.flags |= _RIDER_WRONGED;
        _endRide(rideId, ride, RideState.Cancelled);
        uint256 fare = ride.fare;
        _credit(ride.rider, fare);
        emit RideCancelled(rideId, _REASON_ABANDONED, _msgSender(), fare, 0);
    }

    /// @inheritdoc IRideMarket
    function rate(uint256 rideId, uint8 rating) external {
        Ride storage ride = _rides[rideId];
        if (ride.rider == address(0)) revert RideUnknown(rideId);
        RideState state = ride.state;
        if (state != RideState.Finalized && state != RideState.Cancelled) {
            revert RideWrongState(rideId, state, RideState.Finalized);
        }
        _checkRating(rating);
        address rater = _msgSender();
        bool riderRates = rater == ride.rider;
        if (!riderRates && rater != ride.driver) revert NotParty(rideId, rater);
        // A cancelled ride is rated only by the party the other one wronged (no-show, abandoned,
        // a paid cancellation); an open request's `driver` is no party to it.
        if (state == RideState.Cancelled && (ride.flags & (riderRates ? _RIDER_WRONGED : _DRIVER_WRONGED)) == 0) {
            revert NotWronged(rideId, rater);
        }
        uint8 flag = riderRates ? _RIDER_RATED : _DRIVER_RATED;
        if ((ride.flags & flag) != 0) revert AlreadyRated(rideId, rater);
        uint256 fare = ride.fare;
        uint256 minimum = _caps.minFare;
        if (fare < minimum) revert FareBelowMinimum(rideId, fare, minimum);
        ride.flags |= flag;
        if (riderRates) _rateDriver(rideId, ride.rider, ride.driver, rating);
        else _rateRider(rideId, ride.driver, ride.rider, rating);
    }

    // ================================================================ disputes (court only)

    /// @inheritdoc IRideMarket
    function openDispute(
        uint256 rideId,
        address by
    ) external onlyCourt returns (address rider, address driver, uint256 fare) {
        Ride storage ride = _rides[rideId];
        rider = ride.rider;
        if (rider == address(0)) revert RideUnknown(rideId);
        RideState state = ride.state;
        if (state != RideState.Accepted && state != RideState.Started && state != RideState.Completed) {
            revert RideWrongState(rideId, state, RideState.Started);
        }
        driver = ride.driver;
        if (by != rider && by != driver) revert NotParty(rideId, by);
        ride.state = RideState.Disputed;
        ride.stamp = uint40(block.timestamp);
        // The ride is frozen: the driver may take others; the stake stays locked until resolution.
        Account storage acc = _accounts[driver];
        if (acc.activeRide == rideId) acc.activeRide = 0;
        fare = ride.fare;
        emit RideDisputed(rideId, by);
    }

    /// @inheritdoc IRideMarket
    function resolveDispute(uint256 rideId, uint256 riderAmount, uint256 stakePenalty) external onlyCourt {
        Ride storage ride = _requireState(rideId, RideState.Disputed);
        uint256 fare = ride.fare;
        if (riderAmount > fare) revert SplitTooLarge(rideId, riderAmount, fare);
        address driver = ride.driver;
        Account storage acc = _accounts[driver];
        uint256 penalty = _min(stakePenalty, acc.stake);
        if (penalty != 0) {
            acc.stake -= uint96(penalty);
            emit StakePenalized(driver, rideId, penalty, acc.stake);
        }
        ride.state = RideState.Resolved;
        acc.openRides -= 1;
        uint256 driverAmount = fare - riderAmount;
        if (riderAmount + penalty != 0) _credit(ride.rider, riderAmount + penalty);
        if (driverAmount != 0) _credit(driver, driverAmount);
        emit RideResolved(rideId, riderAmount, driverAmount, penalty);
    }

    // ================================================================ money out

    /// @inheritdoc IRideMarket
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        address account = _msgSender();
        amount = _creditOf(account);
        if (amount == 0) revert NothingToWithdraw(account);
        _credits[account] = _CREDIT_MARKER;
        emit Withdrawn(account, to, amount);
        _push(to, amount);
    }

    /// @inheritdoc IRideMarket
    function claimRewards() external nonReentrant returns (uint256 amount) {
        address driver = _msgSender();
        RewardAccount storage rewards = _rewards[driver];
        amount = rewards.accrued;
        if (amount == 0) revert NothingToClaim(driver);
        rewards.accrued = 0;
        emit RewardsClaimed(driver, amount);
        // Accrued RIDE already shares revenue (see `_finalize`); the release mints it to vote.
        _rideToken.release(driver, amount);
    }

    /// @inheritdoc IRideMarket
    function withdrawTreasury(address to, uint256 amount) external nonReentrant onlyGovernance {
        uint256 treasury = _flows.treasuryPending;
        uint256 period = block.timestamp / TREASURY_PERIOD;
        uint256 allowance = _treasuryAllowance;
        if (period != _treasuryPeriod) {
            // uint96 holds any tenth of a uint128 treasury of a 6-decimal token (7.9e28 units).
            allowance = (treasury * TREASURY_OUTFLOW_BPS) / _BPS;
            _treasuryPeriod = uint32(period);
            emit TreasuryPeriodOpened(period, allowance);
        }
        if (amount > allowance) revert TreasuryOutflowLimit(amount, allowance);
        // allowance <= treasury / 10 at its period's start, and spends only lower both together.
        _treasuryAllowance = uint96(allowance - amount);
        _flows.treasuryPending = uint96(treasury - amount);
        emit TreasuryWithdrawn(to, amount);
        _push(to, amount);
    }

    /// @inheritdoc IRevenueSource
    function sendRevenue() external nonReentrant returns (uint256 amount) {
        amount = _flows.revenueUnsent;
        if (amount == 0) return 0;
        _flows.revenueUnsent = 0;
        _totalOwed -= uint192(amount);
        address token = address(_rideToken);
        emit RevenueSent(token, amount);
        _fareToken.safeTransfer(token, amount);
    }

    /// @inheritdoc IRevenueSource
    function unsentRevenue() external view returns (uint256) {
        return _flows.revenueUnsent;
    }

    /// @inheritdoc IRideMarket
    function sweep(IERC20 token, address to, uint256 amount) external nonReentrant onlyGovernance {
        uint256 owed = token == _fareToken ? _totalOwed : 0;
        uint256 available = token.balanceOf(address(this)) - owed;
        if (amount > available) revert SweepExceedsSurplus(address(token), amount, available);
        emit Swept(address(token), to, amount);
        token.safeTransfer(to, amount);
    }

    // ================================================================ views

    /// @inheritdoc IRideMarket
    function getRide(uint256 rideId) external view returns (Ride memory) {
        return _rides[rideId];
    }

    /// @inheritdoc IRideMarket
    function getAccount(address who) external view returns (Account memory) {
        return _accounts[who];
    }

    /// @inheritdoc IRideMarket
    function getOffer(uint256 rideId, address driver) external view returns (Offer memory) {
        return _offers[rideId][driver];
    }

    /// @inheritdoc IRideMarket
    function creditOf(address who) external view returns (uint256) {
        return _creditOf(who);
    }

    /// @inheritdoc IRideMarket
    function rewardsOf(address driver) external view returns (RewardAccount memory) {
        return _rewards[driver];
    }

    /// @inheritdoc IRideMarket
    function pairEpoch(address rider, address driver) external view returns (EpochFare memory) {
        Pair storage pair = _pairs[_pairKey(rider, driver)];
        return EpochFare({epoch: pair.epoch, fare: pair.fare});
    }

    /// @inheritdoc IRideMarket
    function averageRating(address who) public view returns (uint256 averageX100, uint256 count) {
        Account storage acc = _accounts[who];
        count = acc.ratingCount;
        if (count != 0) averageX100 = (uint256(acc.ratingSum) * 100) / count;
    }

    /// @inheritdoc IRideMarket
    function riderRating(address who) external view returns (uint256 averageX100, uint256 count) {
        RatingTally storage tally = _riderRatings[who];
        count = tally.count;
        if (count != 0) averageX100 = (uint256(tally.sum) * 100) / count;
    }

    /// @inheritdoc IRideMarket
    function ratingOf(address rater, address ratee, bool asDriver) external view returns (uint8) {
        // As a driver, `ratee` was rated by its rider; as a rider, by its driver.
        return asDriver ? _pairs[_pairKey(rater, ratee)].riderRating : _pairs[_pairKey(ratee, rater)].driverRating;
    }

    /// @inheritdoc IRideMarket
    function totals()
        external
        view
        returns (uint256 nextRideId, uint256 owed, uint256 treasuryPending, uint256 earned)
    {
        return (_nextRideId, _totalOwed, _flows.treasuryPending, _rewardsEarned);
    }

    /// @inheritdoc IRideMarket
    function rewardPrice() external view returns (uint256 epoch, uint256 ridePerFee) {
        return (_priceEpoch, _flows.ridePerFee);
    }

    /// @inheritdoc IRideMarket
    function fareToken() external view returns (IERC20) {
        return _fareToken;
    }

    /// @inheritdoc IRideMarket
    function rideToken() external view returns (ICoopToken) {
        return _rideToken;
    }

    /// @inheritdoc IRideMarket
    function court() external view returns (address) {
        return _court;
    }

    // ================================================================ internals

    /// @dev The signer of a request the trusted forwarder relays, else the caller.
    /// @dev ERC2771Context's rule, read with less gas (this runs in every call on the ride path):
    /// only the trusted forwarder's calls carry a sender, in their last 20 bytes.
    function _msgSender() internal view override(Context, ERC2771Context) returns (address sender) {
        sender = msg.sender;
        if (sender == trustedForwarder() && msg.data.length >= 20) {
            sender = address(bytes20(msg.data[msg.data.length - 20:]));
        }
    }

    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }

    /// @dev Escrows the max fare from the rider's wallet, or from its credit if `fromCredit`.
    function _request(RideRequest calldata request, bool fromCredit) private returns (uint256 rideId) {
        uint256 maxFare = request.maxFare;
        if (maxFare == 0) revert FareZero();
        if (maxFare > type(uint96).max) revert FareTooLarge(maxFare, type(uint96).max);
        Geohash.check(request.pickupCell);
        Geohash.check(request.dropoffCell);
        if (request.expiresAt <= block.timestamp || request.expiresAt > block.timestamp + MAX_REQUEST_TTL) {
            revert InvalidExpiry(request.expiresAt, block.timestamp + 1, block.timestamp + MAX_REQUEST_TTL);
        }
        if (request.minRating > 500) revert InvalidMinRating(request.minRating, 500);
        address rider = _msgSender();
        rideId = _nextRideId;
        _rides[rideId] = Ride({
            rider: rider,
            fare: uint96(maxFare),
            driver: request.driver,
            state: RideState.Requested,
            flags: 0,
            feeBps: 0,
            minRating: request.minRating,
            stamp: request.expiresAt
        });
        // Ride ids and the owed total stay far below their widths (2^64 rides, 2^192 units).
        unchecked {
            _nextRideId = uint64(rideId + 1);
        }
        if (fromCredit) {
            // Credit to escrow: both owed, so `_totalOwed` stays.
            uint256 stored = _credits[rider];
            uint256 credit = stored == 0 ? 0 : stored - _CREDIT_MARKER;
            if (credit < maxFare) revert CreditInsufficient(rider, maxFare, credit);
            // credit >= maxFare: the marker stays (stored - maxFare >= 1).
            unchecked {
                _credits[rider] = stored - maxFare;
            }
            emit CreditSpent(rider, rideId, maxFare, credit - maxFare);
        } else {
            _pullOwed(rider, maxFare);
        }
        emit RideRequested(
            rideId,
            rider,
            Geohash.area(request.pickupCell),
            request.pickupCell,
            request.dropoffCell,
            request.commitment,
            maxFare,
            request.expiresAt,
            request.minRating,
            request.driver
        );
    }

    function _match(uint256 rideId, Ride storage ride, address driver, uint256 fare) private {
        _checkDriverEligible(rideId, ride, driver);
        Account storage acc = _accounts[driver];
        if (acc.activeRide != 0) revert DriverBusy(driver, acc.activeRide);
        uint256 minimum = _amounts.minStake;
        if (acc.stake < minimum) revert StakeBelowMinimum(driver, acc.stake, minimum);
        // Checked first, then both fields stored together: one write of the account's slot.
        uint16 open = acc.openRides + 1;
        acc.activeRide = uint64(rideId);
        acc.openRides = open;

        uint256 refund = uint256(ride.fare) - fare;
        // The fee shares the minimum stake's slot (`ParameterRules.Amounts`): a warm read.
        uint16 feeBps = _amounts.feeBps;
        if (refund != 0) {
            ride.fare = uint96(fare);
            _credit(ride.rider, refund);
        }
        ride.driver = driver;
        ride.state = RideState.Accepted;
        ride.feeBps = feeBps;
        ride.minRating = 0;
        ride.stamp = uint40(block.timestamp);
        emit RideAccepted(rideId, driver, fare, feeBps, refund);
    }

    /// @dev One read and one write of each slot it changes (the ride's second slot, the driver's
    /// account, the fee pools): the new values are computed first, checked arithmetic included,
    /// then a slot's fields are stored side by side, with no branch or check between them, so
    /// the optimizer merges them into one SSTORE.
    function _finalize(uint256 rideId, Ride storage ride, uint8 rating, bool confirmed) private {
        address driver = ride.driver;
        uint256 fare = ride.fare;
        // Below the minimum fare a ride neither moves a rating nor earns RIDE: washing costs fees.
        ParameterRules.Caps memory caps = _caps;
        bool counts = fare >= caps.minFare;
        _releaseDriver(rideId, ride.rider, driver, counts ? rating : 0);
        uint8 flags = confirmed ? ride.flags | _RIDER_RATED : ride.flags;
        ride.flags = flags;
        ride.state = RideState.Finalized;

        // fee <= fare / 10 and holders <= fee: no underflow below.
        uint256 fee = (fare * ride.feeBps) / _BPS;
        uint256 holders = (fee * _params.holdersShareBps) / _BPS;
        uint256 treasury = fee - holders;
        uint256 driverAmount = fare - fee;
        // The holders' share is recorded with the treasury's (one write); RIDE's price, read
        // below for the epoch's first reward, depends on neither the unsent share nor its order.
        {
            uint96 treasuryPending = _flows.treasuryPending + uint96(treasury);
            uint96 revenueUnsent = _flows.revenueUnsent + uint96(holders);
            _flows.treasuryPending = treasuryPending;
            _flows.revenueUnsent = revenueUnsent;
        }
        _credit(driver, driverAmount);

        // RIDE accrues only for rides the rider confirmed, within the anti-farming caps.
        uint256 reward = confirmed && counts ? _accrueReward(ride, driver, fare, caps) : 0;
        emit RideFinalized(rideId, driver, driverAmount, holders, treasury, reward);
        // The holders' share goes into the accumulator now, ride by ride: no batch waits for
        // whoever holds at a chosen moment, and the reward just accrued shares it at once.
        // The tokens stay here, owed, until RIDE collects them before a claim (`sendRevenue`).
        if (reward != 0 || holders != 0) _rideToken.accrue(driver, reward, holders);
    }

    /// @dev The finalized ride leaves the driver's account: it counts `rating` (0: none; the
    /// rider's latest rating of this driver is kept in their `Pair` slot), frees the driver if
    /// this is its active ride and unlocks the stake by one ride; one read and one write of the
    /// account's slot (see `_finalize`).
    function _releaseDriver(uint256 rideId, address rider, address driver, uint8 rating) private {
        Account storage acc = _accounts[driver];
        uint32 ratingSum = acc.ratingSum;
        uint32 ratingCount = acc.ratingCount;
        if (rating != 0) {
            // The reward's cap (`_accrueReward`) then finds the pair's slot warm.
            Pair storage pair = _pairs[_pairKey(rider, driver)];
            uint8 previous = pair.riderRating;
            pair.riderRating = rating;
            (ratingSum, ratingCount) = _tally(ratingSum, ratingCount, previous, rating);
            emit Rated(rideId, rider, driver, rating);
        }
        uint64 activeRide = acc.activeRide == rideId ? 0 : acc.activeRide;
        uint16 openRides = acc.openRides - 1;
        acc.ratingSum = ratingSum;
        acc.ratingCount = ratingCount;
        acc.activeRide = activeRide;
        acc.openRides = openRides;
    }

    function _accrueReward(
        Ride storage ride,
        address driver,
        uint256 fare,
        ParameterRules.Caps memory caps
    ) private returns (uint256 reward) {
        uint256 ridePerFee = _currentPrice();
        uint32 epoch = uint32(block.timestamp / EPOCH_LENGTH);
        Pair storage pair = _pairs[_pairKey(ride.rider, driver)];
        RewardAccount storage rewards = _rewards[driver];
        uint256 pairUsed = pair.epoch == epoch ? pair.fare : 0;
        uint256 driverUsed = rewards.epoch == epoch ? rewards.epochFare : 0;
        uint256 eligible = _min(
            fare,
            _min(
                caps.pairFareCap - _min(pairUsed, caps.pairFareCap),
                caps.driverFareCap - _min(driverUsed, caps.driverFareCap)
            )
        );
        if (eligible == 0) return 0;
        reward = (eligible * _params.rewardPerToken) / _fareUnit;
        if (ridePerFee != _UNPRICED) {
            // The fee paid on the eligible fare buys RIDE at the epoch's price, and no more.
            uint256 bought;
            // eligible < 2^96, feeBps <= 1,000, ridePerFee < 2^64, 1e12 < 2^40: no overflow.
            unchecked {
                bought = (eligible * ride.feeBps * ridePerFee * _MICRO_RIDE) / (_BPS * _fareUnit);
            }
            if (bought < reward) reward = bought;
        }
        uint256 room = _rideCap - _rewardsEarned;
        if (reward > room) reward = room;
        if (reward == 0) return 0;
        // Computed (and checked) first, then each slot stored in one write (see `_finalize`).
        // eligible > 0 here, so pairUsed and driverUsed were below their caps (< 2^80) and the
        // sums are at most the caps; reward <= room <= the RIDE cap < 2^96: the casts are exact.
        uint96 pairFare = uint96(pairUsed + eligible);
        uint96 driverFare = uint96(driverUsed + eligible);
        uint128 accrued = rewards.accrued + uint128(reward);
        uint96 earned = _rewardsEarned + uint96(reward);
        pair.epoch = epoch;
        pair.fare = pairFare;
        rewards.epoch = epoch;
        rewards.epochFare = driverFare;
        rewards.accrued = accrued;
        _rewardsEarned = earned;
    }

    /// @dev This epoch's RIDE price, set by its first rewarded ride: RIDE is sold for fees, never
    /// given, at a premium over what it appraises itself at (`ICoopToken.appraise`: its treasury
    /// share and a year of revenue, diluted), so farming it costs more than it is worth.
    function _currentPrice() private returns (uint256 ridePerFee) {
        uint32 epoch = uint32(block.timestamp / EPOCH_LENGTH);
        if (epoch == _priceEpoch) return _flows.ridePerFee;
        // RIDE's {Appraised} event records the value and the price (the market keeps no copy
        // of either event: RideMarket is at the contract size limit).
        (, ridePerFee) = _rideToken.appraise(_flows.treasuryPending, _fareUnit);
        _flows.ridePerFee = uint64(ridePerFee);
        _priceEpoch = epoch;
    }

    function _cancelAccepted(uint256 rideId, Ride storage ride, bytes32 reason, uint256 feeAmount) private {
        _endRide(rideId, ride, RideState.Cancelled);
        uint256 fare = ride.fare;
        uint256 toDriver = _min(feeAmount, fare);
        uint256 refund = fare - toDriver;
        if (refund != 0) _credit(ride.rider, refund);
        if (toDriver != 0) _credit(ride.driver, toDriver);
        emit RideCancelled(rideId, reason, _msgSender(), refund, toDriver);
    }

    function _endRide(uint256 rideId, Ride storage ride, RideState endState) private {
        ride.state = endState;
        Account storage acc = _accounts[ride.driver];
        if (acc.activeRide == rideId) acc.activeRide = 0;
        acc.openRides -= 1;
    }

    function _checkDriverEligible(uint256 rideId, Ride storage ride, address driver) private view {
        Account storage acc = _accounts[driver];
        if (!acc.registered) revert DriverNotRegistered(driver);
        address required = ride.driver;
        if (required != address(0) && required != driver) revert DriverNotAllowed(rideId, driver, required);
        if (driver == ride.rider) revert DriverNotAllowed(rideId, driver, required);
        uint256 minRating = ride.minRating;
        if (minRating != 0) {
            (uint256 average, uint256 count) = averageRating(driver);
            if (count == 0 || average < minRating) revert DriverRatingTooLow(driver, average, minRating);
        }
    }

    function _requireOpenRequest(uint256 rideId) private view returns (Ride storage ride) {
        ride = _requireState(rideId, RideState.Requested);
        if (block.timestamp > ride.stamp) revert RideExpired(rideId, ride.stamp);
    }

    function _requireState(uint256 rideId, RideState expected) private view returns (Ride storage ride) {
        ride = _rides[rideId];
        RideState state = ride.state;
        // A stored ride never returns to None (`_request` writes Requested): None is an unknown
        // id, read from the slot every step reads anyway, not from the rider's (2,100 gas less
        // for the steps that never need the rider: pickup, arrival, completion, finalization).
        if (state == RideState.None) revert RideUnknown(rideId);
        if (state != expected) revert RideWrongState(rideId, state, expected);
    }

    function _checkRider(uint256 rideId, address rider) private view {
        address sender = _msgSender();
        if (sender != rider) revert NotRider(rideId, sender);
    }

    function _checkCourt() private view {
        address sender = _msgSender();
        if (sender != _court) revert NotCourt(sender);
    }

    function _requireDriverInState(uint256 rideId, RideState expected) private view returns (Ride storage ride) {
        ride = _requireState(rideId, expected);
        address sender = _msgSender();
        if (sender != ride.driver) revert NotDriver(rideId, sender);
    }

    /// @dev The wronged party may act once `opensAt` passed; anyone else `KEEPER_DELAY` later.
    function _checkPartyDeadline(uint256 rideId, address party, uint256 opensAt) private view {
        if (_msgSender() != party) opensAt += KEEPER_DELAY;
        if (block.timestamp <= opensAt) revert WindowNotPassed(rideId, opensAt);
    }

    function _checkRating(uint8 rating) private pure {
        if (rating == 0 || rating > 5) revert InvalidRating(rating);
    }

    /// @dev Counts `rating` of `driver` as a driver; a rater's earlier rating of it is replaced.
    function _rateDriver(uint256 rideId, address rater, address driver, uint8 rating) private {
        Pair storage pair = _pairs[_pairKey(rater, driver)];
        uint8 previous = pair.riderRating;
        pair.riderRating = rating;
        Account storage acc = _accounts[driver];
        (acc.ratingSum, acc.ratingCount) = _tally(acc.ratingSum, acc.ratingCount, previous, rating);
        emit Rated(rideId, rater, driver, rating);
    }

    /// @dev Counts `rating` of `rider` as a rider; a rater's earlier rating of it is replaced.
    function _rateRider(uint256 rideId, address rater, address rider, uint8 rating) private {
        Pair storage pair = _pairs[_pairKey(rider, rater)];
        uint8 previous = pair.driverRating;
        pair.driverRating = rating;
        RatingTally storage tally = _riderRatings[rider];
        (tally.sum, tally.count) = _tally(tally.sum, tally.count, previous, rating);
        emit Rated(rideId, rater, rider, rating);
    }

    /// @dev One counterparty moves an average by one rating at most, however many rides it buys.
    function _tally(uint32 sum, uint32 count, uint8 previous, uint8 rating) private pure returns (uint32, uint32) {
        // previous <= 5 was added to sum before: no underflow.
        if (previous != 0) return (sum - previous + rating, count);
        return (sum + rating, count + 1);
    }

    /// @dev The withdrawable credit of `who` (the stored value less the marker, if any).
    function _creditOf(address who) private view returns (uint256) {
        uint256 stored = _credits[who];
        return stored == 0 ? 0 : stored - _CREDIT_MARKER;
    }

    function _credit(address to, uint256 amount) private {
        uint256 balance = _creditOf(to) + amount;
        _credits[to] = balance + _CREDIT_MARKER;
        emit Credited(to, amount, balance);
    }

    /// @dev Pulls `amount` from the sender's wallet into its credit.
    function _deposit(uint256 amount) private {
        if (amount == 0) revert AmountZero();
        address account = _msgSender();
        _pullOwed(account, amount);
        uint256 balance = _creditOf(account) + amount;
        _credits[account] = balance + _CREDIT_MARKER;
        emit Deposited(account, amount, balance);
    }

    /// @dev Pulls tokens that stay owed (escrow, stake) and refuses fee-on-transfer tokens.
    function _pullOwed(address from, uint256 amount) private {
        uint256 before = _fareToken.balanceOf(address(this));
        _fareToken.safeTransferFrom(from, address(this), amount);
        uint256 received = _fareToken.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferToken(amount, received);
        _totalOwed += uint192(amount);
    }

    function _pull(address from, uint256 amount) private {
        if (amount != 0) _pullOwed(from, amount);
    }

    function _push(address to, uint256 amount) private {
        _totalOwed -= uint192(amount);
        _fareToken.safeTransfer(to, amount);
    }

    function _pairKey(address rider, address driver) private pure returns (bytes32) {
        return keccak256(abi.encode(rider, driver));
    }

    function _toUint96(uint256 value) private pure returns (uint96) {
        if (value > type(uint96).max) revert FareTooLarge(value, type(uint96).max);
        return uint96(value);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
