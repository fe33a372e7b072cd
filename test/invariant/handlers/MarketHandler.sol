// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {IRideMarket} from "../../../contracts/interfaces/IRideMarket.sol";
import {RideCoopDeploy} from "../helpers/RideCoopDeploy.sol";
import {VM} from "../helpers/Vm.sol";

/// @title Riders, drivers, a keeper, holders and attackers driving the real market and RIDE
/// @notice Every action picks its actor and ride from the fuzzer's numbers, calls the suite as
/// that actor and, when the call succeeds, moves an independent model of the money (escrows,
/// stakes, credits, treasury, holders' revenue) and of each ride's state by the design's rules
/// (docs/MARKET.md). The invariant contract compares the suite with this model. A call the
/// model says must succeed and that reverts, or a call that succeeds from a state the design
/// forbids, is counted in `violations` with its reason.
// The handler reads and models the whole market in one place: many small private functions.
// solhint-disable-next-line max-states-count
contract MarketHandler {
    uint256 internal constant UNIT = RideCoopDeploy.FARE_UNIT;
    uint256 internal constant MAX_ACTORS = 16;
    uint256 internal constant KEEPER_DELAY = 1 days;
    uint256 internal constant TREASURY_PERIOD = 30 days;
    bytes6 internal constant CELL = "u4pruy";

    struct GRide {
        uint256 id;
        address rider;
        address driver;
        uint256 fare;
        IRideMarket.RideState state;
        uint256 expiresAt;
        uint256 acceptedAt;
        uint256 arrivedAt;
        uint256 startedAt;
        uint256 completedAt;
        bool offered;
    }

    struct GDriver {
        bool registered;
        uint256 stake;
        uint256 openRides;
        uint256 activeRide;
    }

    RideCoopDeploy.Suite internal _s;
    TestUSD public immutable usd;
    IRideMarket public immutable market;
    address public immutable timelock;

    address public keeper = address(0xBEEF);
    address public attacker = address(0xBAD);
    address[] public actors;

    // ---------------------------------------------------------------- the model (ghosts)
    mapping(uint256 rideId => GRide) public gRides;
    uint256[] public rideIds;
    mapping(address => GDriver) public gDrivers;
    mapping(address => uint256) public gCredit;
    uint256 public gEscrow;
    uint256 public gStakes;
    uint256 public gCredits;
    uint256 public gTreasury;
    uint256 public gHoldersRevenue; // fees allotted to RIDE holders plus direct deposits
    uint256 public gRevenueClaimed;
    uint256 public gRevenueDeposits; // how many times revenue entered the accumulator
    uint256 public gDonations; // sent straight to the market, never owed
    uint256 public gSwept;
    uint256 public gRewardBound; // the most RIDE the confirmed rides could have earned
    uint256 public gRewardsClaimed;
    uint256 public gTreasuryOut;
    // The treasury rule: at most 10% of the treasury at a period's first spend, per 30 days.
    uint256 public gPeriod = type(uint256).max;
    uint256 public gPeriodAllowance;
    uint256 public gPeriodSpent;

    // Past votes recorded once their timepoint passed: they must never change.
    struct PastVote {
        address account;
        uint256 timepoint;
        uint256 votes;
    }
    PastVote[] public pastVotes;

    uint256 public violations;
    string public lastViolation;
    mapping(bytes32 action => uint256) public calls;
    uint256 public exitsTaken;

    /// @notice Actions taken so far in this run (the invariants sweep everything every 16th).
    uint256 public actionsTaken;

    // What each actor claimed, and the highest claimable + claimed seen: only a deposit raises
    // it, and nothing lowers it (a claim moves claimable into claimed).
    mapping(address => uint256) public gClaimedBy;
    mapping(address => uint256) public gRevenueFloor;

    modifier counted() {
        actionsTaken++;
        _;
        _checkClaimables();
    }

    constructor(RideCoopDeploy.Suite memory suite_) {
        _s = suite_;
        usd = TestUSD(address(suite_.fareToken));
        market = suite_.market;
        timelock = address(suite_.timelock);
        for (uint256 i = 0; i < 8; i++) _addActor(address(uint160(0xA000 + i)));
        VM.prank(keeper);
        usd.faucet(1_000 * UNIT);
    }

    // ================================================================ actors

    /// @notice The actions forge calls (MarketInvariants.targetSelectors weighs them).
    function actions() external pure returns (bytes4[] memory a) {
        a = new bytes4[](34);
        a[0] = this.sybil.selector;
        a[1] = this.faucet.selector;
        a[2] = this.registerDriver.selector;
        a[3] = this.addStake.selector;
        a[4] = this.withdrawStake.selector;
        a[5] = this.deregisterDriver.selector;
        a[6] = this.requestRide.selector;
        a[7] = this.acceptRide.selector;
        a[8] = this.makeOffer.selector;
        a[9] = this.acceptOffer.selector;
        a[10] = this.markArrived.selector;
        a[11] = this.startRide.selector;
        a[12] = this.completeRide.selector;
        a[13] = this.confirmRide.selector;
        a[14] = this.finalizeRide.selector;
        a[15] = this.cancelRide.selector;
        a[16] = this.expireRequest.selector;
        a[17] = this.cancelDriverNoShow.selector;
        a[18] = this.cancelRiderNoShow.selector;
        a[19] = this.reclaimAbandoned.selector;
        a[20] = this.keeperExit.selector;
        a[21] = this.rate.selector;
        a[22] = this.attackerPoke.selector;
        a[23] = this.attackerGovern.selector;
        a[24] = this.donate.selector;
        a[25] = this.timelockWithdrawTreasury.selector;
        a[26] = this.timelockSweep.selector;
        a[27] = this.withdraw.selector;
        a[28] = this.claimRewards.selector;
        a[29] = this.claimRevenue.selector;
        a[30] = this.depositRevenue.selector;
        a[31] = this.transferRide.selector;
        a[32] = this.delegate.selector;
        a[33] = this.warp.selector;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function rideCount() external view returns (uint256) {
        return rideIds.length;
    }

    function pastVoteCount() external view returns (uint256) {
        return pastVotes.length;
    }

    function suite() external view returns (RideCoopDeploy.Suite memory) {
        return _s;
    }

    /// @notice A sybil: one more fresh address of the same farmer (riders and drivers alike).
    function sybil(uint256 seed) external counted {
        if (actors.length >= MAX_ACTORS) return;
        _addActor(address(uint160(uint256(keccak256(abi.encode("sybil", seed, actors.length))))));
        calls["sybil"]++;
    }

    function faucet(uint256 actorSeed) external counted {
        address a = _actor(actorSeed);
        if (usd.faucetCooldownLeft(a) != 0) return;
        VM.prank(a);
        usd.faucet(1_000 * UNIT);
    }

    // ================================================================ drivers

    function registerDriver(uint256 actorSeed, uint256 extra) external counted {
        address a = _actor(actorSeed);
        uint256 stake = 50 * UNIT + (extra % (50 * UNIT));
        if (gDrivers[a].registered || usd.balanceOf(a) < stake) return;
        VM.prank(a);
        try market.registerDriver(stake) {
            GDriver storage d = gDrivers[a];
            d.registered = true;
            d.stake += stake;
            gStakes += stake;
            calls["registerDriver"]++;
        } catch {
            _violation("registerDriver refused a fresh driver with the minimum stake");
        }
    }

    function addStake(uint256 actorSeed, uint256 amount) external counted {
        address a = _actor(actorSeed);
        amount = 1 + (amount % (20 * UNIT));
        VM.prank(a);
        try market.addStake(amount) {
            if (!gDrivers[a].registered) _violation("addStake by an unregistered driver");
            gDrivers[a].stake += amount;
            gStakes += amount;
            calls["addStake"]++;
        } catch {}
    }

    function withdrawStake(uint256 actorSeed, uint256 amount) external counted {
        address a = _actor(actorSeed);
        GDriver storage d = gDrivers[a];
        amount = amount % (d.stake + 1);
        VM.prank(a);
        try market.withdrawStake(amount) {
            if (d.openRides != 0) _violation("stake withdrawn while a ride holds it");
            if (d.stake - amount < 50 * UNIT) _violation("stake withdrawn below the minimum");
            d.stake -= amount;
            gStakes -= amount;
            calls["withdrawStake"]++;
        } catch {}
    }

    function deregisterDriver(uint256 actorSeed) external counted {
        address a = _actor(actorSeed);
        GDriver storage d = gDrivers[a];
        VM.prank(a);
        try market.deregisterDriver() {
            if (d.openRides != 0) _violation("driver deregistered while a ride holds its stake");
            gStakes -= d.stake;
            d.stake = 0;
            d.registered = false;
            calls["deregisterDriver"]++;
        } catch {}
    }

    // ================================================================ requests and matching

    function requestRide(uint256 actorSeed, uint256 fare, uint256 ttl, uint256 targetSeed) external counted {
        address rider = _actor(actorSeed);
        // Mostly ordinary fares, sometimes below the minimum fare (1 tUSD) that earns RIDE.
        fare = fare % 4 == 0 ? 1 + (fare % UNIT) : UNIT + (fare % (60 * UNIT));
        if (usd.balanceOf(rider) < fare) return;
        ttl = 60 + (ttl % (1 days - 60)); // the market allows at most a day
        // One request in four names its driver (a friend in a ring, or a stranger).
        address only = targetSeed % 4 == 0 ? _actor(targetSeed >> 2) : address(0);
        IRideMarket.RideRequest memory req = IRideMarket.RideRequest({
            pickupCell: CELL,
            dropoffCell: CELL,
            commitment: keccak256(abi.encode(actorSeed)),
            maxFare: fare,
            expiresAt: uint40(block.timestamp + ttl),
            minRating: 0,
            driver: only
        });
        VM.prank(rider);
        try market.requestRide(req) returns (uint256 id) {
            GRide storage r = gRides[id];
            if (r.rider != address(0)) _violation("a ride id was reused");
            r.id = id;
            r.rider = rider;
            r.driver = only;
            r.fare = fare;
            r.state = IRideMarket.RideState.Requested;
            r.expiresAt = block.timestamp + ttl;
            rideIds.push(id);
            gEscrow += fare;
            calls["requestRide"]++;
        } catch {
            _violation("requestRide refused a funded, well-formed request");
        }
    }

    function acceptRide(uint256 actorSeed, uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        address driver = _actor(actorSeed);
        if (r.state == IRideMarket.RideState.Requested && r.driver != address(0)) driver = r.driver;
        VM.prank(driver);
        try market.acceptRide(id, r.fare) {
            _requireState(r, IRideMarket.RideState.Requested, "acceptRide");
            if (r.offered) _violation("acceptRide on a request with offers");
            if (block.timestamp > r.expiresAt) _violation("acceptRide after expiry");
            _match(id, r, driver, r.fare);
            calls["acceptRide"]++;
        } catch {}
    }

    function makeOffer(uint256 actorSeed, uint256 rideSeed, uint256 fareSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        if (r.fare < 2) return;
        address driver = _actor(actorSeed);
        uint256 fare = 1 + (fareSeed % (r.fare - 1));
        uint256 expiresAt = r.expiresAt < block.timestamp + 600 ? r.expiresAt : block.timestamp + 600;
        VM.prank(driver);
        try market.makeOffer(id, fare, uint40(expiresAt)) {
            _requireState(r, IRideMarket.RideState.Requested, "makeOffer");
            r.offered = true;
            calls["makeOffer"]++;
        } catch {}
    }

    function acceptOffer(uint256 rideSeed, uint256 driverSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        address driver = _actor(driverSeed);
        IRideMarket.Offer memory offer = market.getOffer(id, driver);
        VM.prank(r.rider);
        try market.acceptOffer(id, driver, offer.fare) {
            _requireState(r, IRideMarket.RideState.Requested, "acceptOffer");
            uint256 refund = r.fare - offer.fare;
            _creditTo(r.rider, refund);
            gEscrow -= refund;
            r.fare = offer.fare;
            _match(id, r, driver, offer.fare);
            calls["acceptOffer"]++;
        } catch {}
    }

    // ================================================================ the ride

    function markArrived(uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(r.driver);
        try market.markArrived(id) {
            _requireState(r, IRideMarket.RideState.Accepted, "markArrived");
            if (r.arrivedAt != 0) _violation("arrived twice");
            if (block.timestamp > r.acceptedAt + 15 minutes) _violation("arrival after the pickup window");
            r.arrivedAt = block.timestamp;
            calls["markArrived"]++;
        } catch {}
    }

    function startRide(uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(r.driver);
        try market.startRide(id) {
            _requireState(r, IRideMarket.RideState.Accepted, "startRide");
            r.state = IRideMarket.RideState.Started;
            r.startedAt = block.timestamp;
            calls["startRide"]++;
        } catch {}
    }

    function completeRide(uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(r.driver);
        try market.completeRide(id) {
            _requireState(r, IRideMarket.RideState.Started, "completeRide");
            r.state = IRideMarket.RideState.Completed;
            r.completedAt = block.timestamp;
            gDrivers[r.driver].activeRide = 0;
            calls["completeRide"]++;
        } catch {}
    }

    function confirmRide(uint256 rideSeed, uint8 rating) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        rating = uint8(1 + (rating % 5));
        IRideMarket.RideState before = r.state;
        VM.prank(r.rider);
        try market.confirmRide(id, rating) {
            if (before != IRideMarket.RideState.Started && before != IRideMarket.RideState.Completed) {
                _violation("confirmRide from a state other than Started or Completed");
            }
            _finalize(r, true);
            calls["confirmRide"]++;
        } catch {}
    }

    function finalizeRide(uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(keeper);
        try market.finalizeRide(id) {
            _requireState(r, IRideMarket.RideState.Completed, "finalizeRide");
            if (block.timestamp <= r.completedAt + 1 hours) _violation("finalized inside the confirm window");
            _finalize(r, false);
            calls["finalizeRide"]++;
        } catch {}
    }

    function cancelRide(uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        IRideMarket.RideState before = r.state;
        VM.prank(r.rider);
        try market.cancelRide(id) {
            if (before == IRideMarket.RideState.Requested) {
                r.state = IRideMarket.RideState.Cancelled;
                gEscrow -= r.fare;
                _creditTo(r.rider, r.fare);
            } else {
                _requireState(r, IRideMarket.RideState.Accepted, "cancelRide");
                uint256 freeUntil = r.acceptedAt + 120;
                if (r.arrivedAt != 0 && r.arrivedAt + 1 minutes < freeUntil) freeUntil = r.arrivedAt + 1 minutes;
                uint256 fee = block.timestamp <= freeUntil ? 0 : _min(3 * UNIT, r.fare);
                _endAccepted(r, r.fare - fee, fee);
            }
            calls["cancelRide"]++;
        } catch {}
    }

    function expireRequest(uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(keeper);
        try market.expireRequest(id) {
            _requireState(r, IRideMarket.RideState.Requested, "expireRequest");
            if (block.timestamp <= r.expiresAt) _violation("request expired before its expiry");
            r.state = IRideMarket.RideState.Cancelled;
            gEscrow -= r.fare;
            _creditTo(r.rider, r.fare);
            calls["expireRequest"]++;
        } catch {}
    }

    function cancelDriverNoShow(uint256 rideSeed, bool byKeeper) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(byKeeper ? keeper : r.rider);
        try market.cancelDriverNoShow(id) {
            _requireState(r, IRideMarket.RideState.Accepted, "cancelDriverNoShow");
            uint256 opensAt = r.acceptedAt + 15 minutes + (byKeeper ? KEEPER_DELAY : 0);
            if (r.arrivedAt != 0 || block.timestamp <= opensAt) _violation("driver no-show claimed too early");
            GDriver storage d = gDrivers[r.driver];
            uint256 penalty = _min(5 * UNIT, d.stake);
            d.stake -= penalty;
            gStakes -= penalty;
            _creditTo(r.rider, penalty);
            _endAccepted(r, r.fare, 0);
            calls["cancelDriverNoShow"]++;
        } catch {}
    }

    function cancelRiderNoShow(uint256 rideSeed, bool byKeeper) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(byKeeper ? keeper : r.driver);
        try market.cancelRiderNoShow(id) {
            _requireState(r, IRideMarket.RideState.Accepted, "cancelRiderNoShow");
            uint256 opensAt = r.arrivedAt + 5 minutes + (byKeeper ? KEEPER_DELAY : 0);
            if (r.arrivedAt == 0 || block.timestamp <= opensAt) _violation("rider no-show claimed too early");
            uint256 fee = _min(3 * UNIT, r.fare);
            _endAccepted(r, r.fare - fee, fee);
            calls["cancelRiderNoShow"]++;
        } catch {}
    }

    function reclaimAbandoned(uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(keeper);
        try market.reclaimAbandoned(id) {
            _requireState(r, IRideMarket.RideState.Started, "reclaimAbandoned");
            if (block.timestamp <= r.startedAt + 4 hours) _violation("abandoned ride reclaimed too early");
            _endAccepted(r, r.fare, 0);
            calls["reclaimAbandoned"]++;
        } catch {}
    }

    /// @notice The keeper jumps past a live ride's deadline and takes its exit: it must work.
    function keeperExit(uint256 rideSeed) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        IRideMarket.RideState st = r.state;
        uint256 deadline;
        if (st == IRideMarket.RideState.Requested) deadline = r.expiresAt;
        else if (st == IRideMarket.RideState.Accepted && r.arrivedAt == 0)
            deadline = r.acceptedAt + 15 minutes + KEEPER_DELAY;
        else if (st == IRideMarket.RideState.Accepted) deadline = r.arrivedAt + 5 minutes + KEEPER_DELAY;
        else if (st == IRideMarket.RideState.Started) deadline = r.startedAt + 4 hours;
        else if (st == IRideMarket.RideState.Completed) deadline = r.completedAt + 1 hours;
        else return;
        if (block.timestamp <= deadline) _warpTo(deadline + 1);
        bool ok;
        if (st == IRideMarket.RideState.Requested) ok = _keeperCall(abi.encodeCall(this.expireRequest, (rideSeed)));
        else if (st == IRideMarket.RideState.Accepted && r.arrivedAt == 0)
            ok = _keeperCall(abi.encodeCall(this.cancelDriverNoShow, (rideSeed, true)));
        else if (st == IRideMarket.RideState.Accepted)
            ok = _keeperCall(abi.encodeCall(this.cancelRiderNoShow, (rideSeed, true)));
        else if (st == IRideMarket.RideState.Started)
            ok = _keeperCall(abi.encodeCall(this.reclaimAbandoned, (rideSeed)));
        else ok = _keeperCall(abi.encodeCall(this.finalizeRide, (rideSeed)));
        if (!ok || gRides[id].state == st) _violation("a live ride had no exit after its deadline");
        exitsTaken++;
    }

    function rate(uint256 rideSeed, uint8 rating, bool asRider) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        VM.prank(asRider ? r.rider : r.driver);
        try market.rate(id, uint8(1 + (rating % 5))) {
            if (r.state != IRideMarket.RideState.Finalized && r.state != IRideMarket.RideState.Cancelled) {
                _violation("rated a live ride");
            }
            calls["rate"]++;
        } catch {}
    }

    // ================================================================ attackers

    /// @notice A stranger tries to move someone else's ride before any keeper deadline.
    function attackerPoke(uint256 rideSeed, uint8 op) external counted {
        (uint256 id, GRide storage r) = _ride(rideSeed);
        if (r.rider == attacker || r.driver == attacker) return;
        IRideMarket.RideState st = r.state;
        bytes memory data;
        op = op % 7;
        if (op == 0) data = abi.encodeCall(IRideMarket.cancelRide, (id));
        else if (op == 1) data = abi.encodeCall(IRideMarket.markArrived, (id));
        else if (op == 2) data = abi.encodeCall(IRideMarket.startRide, (id));
        else if (op == 3) data = abi.encodeCall(IRideMarket.completeRide, (id));
        else if (op == 4) data = abi.encodeCall(IRideMarket.confirmRide, (id, 5));
        else if (op == 5) data = abi.encodeCall(IRideMarket.acceptOffer, (id, attacker, 1));
        else data = abi.encodeCall(IRideMarket.resolveDispute, (id, 0, 0));
        VM.prank(attacker);
        (bool ok, ) = address(market).call(data);
        if (ok) _violation("a stranger moved someone else's ride");
        if (market.getRide(id).state != st) _violation("a refused call moved a ride");
        calls["attackerPoke"]++;
    }

    /// @notice Anyone but the timelock calling the treasury, the sweep or a setter is refused.
    function attackerGovern(uint256 amount, uint8 op) external counted {
        bytes memory data;
        op = op % 3;
        if (op == 0) data = abi.encodeCall(IRideMarket.withdrawTreasury, (attacker, amount % (gTreasury + 1)));
        else if (op == 1) data = abi.encodeCall(IRideMarket.sweep, (usd, attacker, amount % (gDonations + 1)));
        else data = abi.encodeCall(IRideMarket.setParameter, ("feeBps", amount % 1_001));
        VM.prank(attacker);
        (bool ok, ) = address(market).call(data);
        if (ok) _violation("a stranger used a governance power");
        calls["attackerGovern"]++;
    }

    function donate(uint256 actorSeed, uint256 amount) external counted {
        address a = _actor(actorSeed);
        amount = amount % (usd.balanceOf(a) / 10 + 1);
        if (amount == 0) return;
        VM.prank(a);
        usd.transfer(address(market), amount);
        gDonations += amount;
        calls["donate"]++;
    }

    // ================================================================ governance powers (as passed)

    /// @notice What a passed proposal executes through the timelock: a treasury spend.
    function timelockWithdrawTreasury(uint256 amount) external counted {
        uint256 period = block.timestamp / TREASURY_PERIOD;
        if (period != gPeriod) {
            gPeriod = period;
            gPeriodAllowance = gTreasury / 10;
            gPeriodSpent = 0;
        }
        // Mostly within the rule, sometimes past it.
        amount = amount % (gPeriodAllowance - gPeriodSpent + 2);
        VM.prank(timelock);
        try market.withdrawTreasury(timelock, amount) {
            gPeriodSpent += amount;
            gTreasury -= amount;
            gTreasuryOut += amount;
            if (gPeriodSpent > gPeriodAllowance) _violation("treasury outflow above 10% of the period's treasury");
            calls["withdrawTreasury"]++;
        } catch {
            if (gPeriodSpent + amount <= gPeriodAllowance) _violation("a treasury spend within the rule was refused");
        }
    }

    /// @notice A passed proposal sweeps donations: never more than the surplus over what is owed.
    function timelockSweep(uint256 amount) external counted {
        amount = amount % (gDonations - gSwept + 2);
        VM.prank(timelock);
        try market.sweep(usd, timelock, amount) {
            gSwept += amount;
            if (gSwept > gDonations) _violation("the sweep took owed money");
            calls["sweep"]++;
        } catch {
            if (gSwept + amount <= gDonations) _violation("a sweep of pure surplus was refused");
        }
    }

    // ================================================================ money out

    function withdraw(uint256 actorSeed) external counted {
        address a = _actor(actorSeed);
        VM.prank(a);
        try market.withdraw(a) returns (uint256 amount) {
            if (amount != gCredit[a]) _violation("withdrew other than the modelled credit");
            gCredits -= gCredit[a];
            gCredit[a] = 0;
            calls["withdraw"]++;
        } catch {
            if (gCredit[a] != 0) _violation("a credited account could not withdraw");
        }
    }

    function claimRewards(uint256 actorSeed) external counted {
        address a = _actor(actorSeed);
        VM.prank(a);
        try market.claimRewards() returns (uint256 amount) {
            gRewardsClaimed += amount;
            calls["claimRewards"]++;
        } catch {}
    }

    function claimRevenue(uint256 actorSeed) external counted {
        address a = _actor(actorSeed);
        VM.prank(a);
        try _s.token.claimRevenue(a) returns (uint256 amount) {
            gRevenueClaimed += amount;
            gClaimedBy[a] += amount;
            calls["claimRevenue"]++;
        } catch {}
    }

    function depositRevenue(uint256 actorSeed, uint256 amount) external counted {
        address a = _actor(actorSeed);
        amount = 1 + (amount % (10 * UNIT));
        if (usd.balanceOf(a) < amount) return;
        VM.prank(a);
        try _s.token.depositRevenue(amount) {
            gHoldersRevenue += amount;
            gRevenueDeposits++;
            calls["depositRevenue"]++;
        } catch {
            _violation("a revenue deposit was refused");
        }
    }

    /// @notice A holder moves RIDE (a sale, or a sandwich around fees): claims must not move.
    function transferRide(uint256 fromSeed, uint256 toSeed, uint256 amount) external counted {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        amount = amount % (_s.token.balanceOf(from) + 1);
        uint256 before = _s.token.claimableRevenue(from) + _s.token.claimableRevenue(to);
        VM.prank(from);
        _s.token.transfer(to, amount);
        uint256 afterwards = _s.token.claimableRevenue(from) + _s.token.claimableRevenue(to);
        // Per account the floor may move one unit; together they never gain.
        if (afterwards > before) _violation("a RIDE transfer created claimable revenue");
        calls["transferRide"]++;
    }

    function delegate(uint256 fromSeed, uint256 toSeed) external counted {
        address from = _actor(fromSeed);
        VM.prank(from);
        _s.token.delegate(_actor(toSeed));
        calls["delegate"]++;
    }

    // ================================================================ time

    function warp(uint256 secondsSeed) external counted {
        uint256 step = secondsSeed % 4 == 0 ? secondsSeed % 8 days : secondsSeed % 20 minutes;
        _warpTo(block.timestamp + 1 + step);
        calls["warp"]++;
    }

    // ================================================================ internals

    function _warpTo(uint256 t) internal {
        VM.warp(t);
        VM.roll(block.number + 1);
        // Record one past vote per warp: it must never change afterwards.
        address a = actors[t % actors.length];
        uint256 timepoint = t - 1;
        if (pastVotes.length < 64) {
            pastVotes.push(PastVote(a, timepoint, _s.token.getPastVotes(a, timepoint)));
        }
    }

    /// @dev No holder's claimable revenue decreases but by its own claim: claimable + claimed
    /// never goes down, whatever anyone else did (transfers, deposits, releases, claims).
    function _checkClaimables() internal {
        uint256 n = actors.length;
        for (uint256 i = 0; i < n; i++) {
            address a = actors[i];
            uint256 total = _s.token.claimableRevenue(a) + gClaimedBy[a];
            if (total < gRevenueFloor[a]) _violation("a holder's claimable revenue fell but by its own claim");
            gRevenueFloor[a] = total;
        }
    }

    function _keeperCall(bytes memory data) internal returns (bool ok) {
        uint256 before = violations;
        (ok, ) = address(this).call(data);
        ok = ok && violations == before;
    }

    function _match(uint256 id, GRide storage r, address driver, uint256 fare) internal {
        GDriver storage d = gDrivers[driver];
        if (!d.registered) _violation("an unregistered driver matched");
        if (d.activeRide != 0) _violation("a busy driver matched");
        if (d.stake < 50 * UNIT) _violation("a driver below the minimum stake matched");
        if (driver == r.rider) _violation("a rider drove itself");
        d.activeRide = id;
        d.openRides += 1;
        r.driver = driver;
        r.fare = fare;
        r.state = IRideMarket.RideState.Accepted;
        r.acceptedAt = block.timestamp;
    }

    /// @dev Ends an accepted or started ride as Cancelled: the escrow to the rider and driver.
    function _endAccepted(GRide storage r, uint256 toRider, uint256 toDriver) internal {
        GDriver storage d = gDrivers[r.driver];
        if (d.activeRide == r.id) d.activeRide = 0;
        d.openRides -= 1;
        r.state = IRideMarket.RideState.Cancelled;
        gEscrow -= toRider + toDriver;
        _creditTo(r.rider, toRider);
        _creditTo(r.driver, toDriver);
    }

    function _finalize(GRide storage r, bool confirmed) internal {
        GDriver storage d = gDrivers[r.driver];
        if (d.activeRide == r.id) d.activeRide = 0;
        d.openRides -= 1;
        r.state = IRideMarket.RideState.Finalized;
        uint256 fee = (r.fare * 500) / 10_000;
        uint256 holders = (fee * 5_000) / 10_000;
        gEscrow -= r.fare;
        gTreasury += fee - holders;
        if (holders != 0) {
            gHoldersRevenue += holders;
            gRevenueDeposits++;
        }
        _creditTo(r.driver, r.fare - fee);
        // At most 1 RIDE per fare token of a confirmed ride at or above the minimum fare.
        if (confirmed && r.fare >= UNIT) gRewardBound += (r.fare * 1e18) / UNIT;
    }

    function _creditTo(address a, uint256 amount) internal {
        gCredit[a] += amount;
        gCredits += amount;
    }

    function _requireState(GRide storage r, IRideMarket.RideState expected, string memory action) internal {
        if (r.state != expected) _violation(string.concat(action, " from the wrong state"));
    }

    function _violation(string memory why) internal {
        violations++;
        lastViolation = why;
    }

    function _addActor(address a) internal {
        actors.push(a);
        VM.prank(a);
        usd.faucet(1_000 * UNIT);
        VM.startPrank(a);
        usd.approve(address(market), type(uint256).max);
        usd.approve(address(_s.token), type(uint256).max);
        usd.approve(address(_s.court), type(uint256).max);
        VM.stopPrank();
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev One of the latest 24 rides (old ones are mostly settled), or ride 0 when none.
    function _ride(uint256 seed) internal view returns (uint256 id, GRide storage r) {
        uint256 n = rideIds.length;
        if (n != 0) {
            uint256 window = n < 24 ? n : 24;
            id = rideIds[n - 1 - (seed % window)];
        }
        r = gRides[id];
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
