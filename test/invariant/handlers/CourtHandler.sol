// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {MockRandomness} from "../../../contracts/mocks/MockRandomness.sol";
import {IRideMarket} from "../../../contracts/interfaces/IRideMarket.sol";
import {IDisputeCourt} from "../../../contracts/interfaces/IDisputeCourt.sol";
import {IArbiterPool} from "../../../contracts/interfaces/IArbiterPool.sol";
import {IRandomness} from "../../../contracts/interfaces/IRandomness.sol";
import {RideCoopDeploy} from "../helpers/RideCoopDeploy.sol";
import {VM} from "../helpers/Vm.sol";

/// @title Riders, drivers, arbiters and a keeper driving the real court and arbiter pool
/// @notice Arbiters earn their RIDE by driving confirmed rides (the only way RIDE exists) and
/// stake it; parties open disputes on live rides, settle, appeal; arbiters rule or stay silent;
/// the keeper moves the pool's phases, draws and times out; randomness arrives, late or never.
/// The handler keeps what entered and left the court and the pool (fees and appeal fees by the
/// design's formula, RIDE staked and withdrawn) for the invariants to compare.
contract CourtHandler {
    uint256 internal constant UNIT = RideCoopDeploy.FARE_UNIT;
    uint16 internal constant HALF = 5_000;

    RideCoopDeploy.Suite internal _s;
    TestUSD public immutable usd;
    IRideMarket public immutable market;
    IDisputeCourt public immutable court;
    IArbiterPool public immutable pool;
    MockRandomness public immutable rnd;
    address public keeper = address(0xBEEF);

    address[] public riders;
    address[] public drivers;
    address[] public arbiters; // drivers[0] is an arbiter too: it is never drawn in its own case
    address[] public everyone;
    uint256[] public disputeIds;

    // ---------------------------------------------------------------- the model (ghosts)
    uint256 public gCourtIn; // dispute fees and appeal fees paid in
    uint256 public gCourtOut; // withdrawn credits
    uint256 public gPoolIn; // RIDE staked
    uint256 public gPoolOut; // RIDE unstaked and credits claimed
    uint256 public violations;
    string public lastViolation;
    mapping(bytes32 action => uint256) public calls;
    uint256 public exitsTaken;

    constructor(RideCoopDeploy.Suite memory suite_) {
        _s = suite_;
        usd = TestUSD(address(suite_.fareToken));
        market = suite_.market;
        court = suite_.court;
        pool = suite_.pool;
        rnd = MockRandomness(address(suite_.randomness));
        for (uint256 i = 0; i < 4; i++) riders.push(_newAccount(0xC000 + i));
        for (uint256 i = 0; i < 3; i++) drivers.push(_newAccount(0xD000 + i));
        for (uint256 i = 0; i < 5; i++) arbiters.push(_newAccount(0xE000 + i));
        arbiters.push(drivers[0]);
        for (uint256 i = 0; i < drivers.length; i++) _register(drivers[i]);
        // Each arbiter earns 40 RIDE with one confirmed 40 tUSD ride (the pair cap), then stakes it.
        for (uint256 i = 0; i < arbiters.length; i++) {
            address a = arbiters[i];
            if (!market.getAccount(a).registered) _register(a);
            address rider = riders[i % riders.length];
            uint256 id = _newRide(rider, a, 40 * UNIT);
            VM.startPrank(a);
            market.startRide(id);
            market.completeRide(id);
            VM.stopPrank();
            VM.prank(rider);
            market.confirmRide(id, 5);
            VM.startPrank(a);
            uint256 ride = market.claimRewards();
            _s.token.approve(address(pool), type(uint256).max);
            pool.stake(ride);
            VM.stopPrank();
            gPoolIn += ride;
        }
    }

    // ================================================================ views for the invariants

    function everyoneCount() external view returns (uint256) {
        return everyone.length;
    }

    function arbiterCount() external view returns (uint256) {
        return arbiters.length;
    }

    function disputeCount() external view returns (uint256) {
        return disputeIds.length;
    }

    /// @notice The actions forge calls.
    function actions() external pure returns (bytes4[] memory a) {
        a = new bytes4[](19);
        a[16] = this.applyDelayed.selector;
        a[17] = this.promptDraw.selector;
        a[18] = this.panelRules.selector;
        a[0] = this.openDispute.selector;
        a[1] = this.fulfilRandomness.selector;
        a[2] = this.expireRandomness.selector;
        a[3] = this.passPhase.selector;
        a[4] = this.drawArbiters.selector;
        a[5] = this.rule.selector;
        a[6] = this.timeoutRuling.selector;
        a[7] = this.appeal.selector;
        a[8] = this.executeRuling.selector;
        a[9] = this.settle.selector;
        a[10] = this.courtWithdraw.selector;
        a[11] = this.requestUnstake.selector;
        a[12] = this.withdrawUnstaked.selector;
        a[13] = this.claimPoolCredit.selector;
        a[14] = this.warp.selector;
        a[15] = this.disputeExit.selector;
    }

    // ================================================================ parties

    /// @notice A ride goes wrong: the rider or the driver disputes it Accepted, Started or Completed.
    function openDispute(uint256 riderSeed, uint256 driverSeed, uint256 fare, uint8 stage, bool byRider) external {
        address rider = riders[riderSeed % riders.length];
        address driver = drivers[driverSeed % drivers.length];
        IRideMarket.Account memory acc = market.getAccount(driver);
        if (acc.activeRide != 0) return;
        if (acc.stake < 50 * UNIT) {
            _fund(driver, 60 * UNIT);
            VM.prank(driver);
            market.addStake(60 * UNIT);
        }
        fare = UNIT + (fare % (60 * UNIT));
        _fund(rider, fare + 5 * UNIT);
        _fund(driver, 5 * UNIT);
        uint256 id = _newRide(rider, driver, fare);
        stage = stage % 3;
        VM.startPrank(driver);
        if (stage == 0 && !byRider) market.markArrived(id);
        if (stage >= 1) market.startRide(id);
        if (stage == 2) market.completeRide(id);
        VM.stopPrank();
        VM.prank(byRider ? rider : driver);
        try court.openDispute(id) {
            gCourtIn += 5 * UNIT;
            disputeIds.push(id);
            calls["openDispute"]++;
        } catch {
            _violation("a party could not dispute its live ride");
        }
    }

    function settle(uint256 disputeSeed, uint16 riderBps, bool riderProposes) external {
        uint256 id = _dispute(disputeSeed);
        if (id == 0) return;
        IDisputeCourt.Dispute memory d = court.getDispute(id);
        riderBps = riderBps % 10_001;
        address proposer = riderProposes ? d.rider : d.driver;
        address accepter = riderProposes ? d.driver : d.rider;
        VM.prank(proposer);
        try court.proposeSettlement(id, riderBps) {
            VM.prank(accepter);
            try court.acceptSettlement(id, riderBps) {
                if (d.status == IDisputeCourt.Status.Resolved) _violation("settled a resolved dispute");
                calls["settle"]++;
            } catch {}
        } catch {}
    }

    function appeal(uint256 disputeSeed, bool riderAppeals) external {
        uint256 id = _disputeIn(disputeSeed, IDisputeCourt.Status.Ruled);
        if (id == 0) return;
        IDisputeCourt.Dispute memory d = court.getDispute(id);
        if (d.round >= 2) return;
        // The design's fee: the base (x growth after the first appeal) plus the seats' arbiter fees.
        uint256 round = d.round + 1;
        uint256 fee = round == 1 ? 10 * UNIT : 20 * UNIT;
        fee += ((2 << round) - 1) * d.arbiterFee;
        address who = riderAppeals ? d.rider : d.driver;
        _fund(who, fee);
        VM.prank(who);
        try court.appeal(id, fee) {
            bool loser = riderAppeals ? d.riderBps <= HALF : d.riderBps >= HALF;
            if (!loser) _violation("the winner appealed");
            gCourtIn += fee;
            calls["appeal"]++;
        } catch {}
    }

    function courtWithdraw(uint256 seed) external {
        address a = everyone[seed % everyone.length];
        uint256 credit = court.creditOf(a);
        VM.prank(a);
        try court.withdraw(a) returns (uint256 amount) {
            if (amount != credit) _violation("a court withdrawal paid other than the credit");
            gCourtOut += amount;
            calls["courtWithdraw"]++;
        } catch {
            if (credit != 0) _violation("a court credit could not be withdrawn");
        }
    }

    // ================================================================ arbiters

    function rule(uint256 disputeSeed, uint256 seatSeed, uint16 riderBps) external {
        uint256 id = _dispute(disputeSeed);
        if (id == 0) return;
        IDisputeCourt.Dispute memory d = court.getDispute(id);
        if (d.status != IDisputeCourt.Status.Voting) return;
        uint8 size = court.panelSize(d.round);
        IDisputeCourt.Seat memory seat = court.getSeat(id, d.round, uint8(seatSeed % size));
        uint16[4] memory splits = [uint16(0), HALF, 10_000, riderBps % 10_001];
        VM.prank(seat.arbiter);
        try court.rule(id, splits[seatSeed % 4]) {
            if (seat.arbiter == d.rider || seat.arbiter == d.driver) _violation("a party ruled its own case");
            if (block.timestamp > d.deadline) _violation("ruled after the deadline");
            calls["rule"]++;
        } catch {}
    }

    /// @notice The whole panel rules at once, each seat silent one time in eight.
    function panelRules(uint256 disputeSeed, uint256 votes) external {
        uint256 id = _disputeIn(disputeSeed, IDisputeCourt.Status.Voting);
        if (id != 0) _panelRules(id, votes);
    }

    function _panelRules(uint256 id, uint256 votes) internal {
        IDisputeCourt.Dispute memory d = court.getDispute(id);
        uint8 size = court.panelSize(d.round);
        for (uint8 i = 0; i < size; i++) {
            uint256 v = votes >> (i * 8);
            if (v % 8 == 0) continue;
            IDisputeCourt.Seat memory seat = court.getSeat(id, d.round, i);
            if (seat.voted) continue;
            uint16[4] memory splits = [uint16(0), HALF, 10_000, uint16((v >> 3) % 10_001)];
            VM.prank(seat.arbiter);
            try court.rule(id, splits[(v >> 1) % 4]) {
                if (seat.arbiter == d.rider || seat.arbiter == d.driver) _violation("a party ruled its own case");
                calls["rule"]++;
            } catch {
                if (block.timestamp <= d.deadline) _violation("a seated arbiter could not rule in time");
            }
        }
    }

    function requestUnstake(uint256 seed, uint256 amount) external {
        address a = arbiters[seed % arbiters.length];
        IArbiterPool.Arbiter memory arb = pool.arbiterOf(a);
        uint256 free = arb.stake - arb.locked;
        if (free == 0) return;
        VM.prank(a);
        try pool.requestUnstake(1 + (amount % free)) {
            calls["requestUnstake"]++;
        } catch {
            _violation("free stake could not be unstaked");
        }
    }

    function withdrawUnstaked(uint256 seed) external {
        address a = arbiters[seed % arbiters.length];
        VM.prank(a);
        try pool.withdrawUnstaked(a) returns (uint256 amount) {
            gPoolOut += amount;
            // Back into the pool: arbiters keep serving.
            VM.prank(a);
            pool.stake(amount);
            gPoolIn += amount;
            calls["withdrawUnstaked"]++;
        } catch {}
    }

    function applyDelayed(uint256 seed) external {
        VM.prank(keeper);
        try pool.applyDelayed(arbiters[seed % arbiters.length]) {
            calls["applyDelayed"]++;
        } catch {}
    }

    function claimPoolCredit(uint256 seed) external {
        address a = everyone[seed % everyone.length];
        VM.prank(a);
        try pool.claimCredit(a) returns (uint256 amount) {
            gPoolOut += amount;
            calls["claimPoolCredit"]++;
        } catch {}
    }

    // ================================================================ keeper and randomness

    function fulfilRandomness(uint256 value) external {
        uint256 req = rnd.lastRequestId();
        if (req == 0 || rnd.status(req) != IRandomness.Status.Pending) return;
        rnd.fulfill(req, value);
        calls["fulfil"]++;
    }

    function expireRandomness() external {
        uint256 req = rnd.lastRequestId();
        if (req == 0 || rnd.status(req) != IRandomness.Status.Pending) return;
        rnd.expire(req);
        calls["expire"]++;
    }

    /// @notice The keeper and the randomness provider do their jobs promptly: the pool's phases
    /// pass as soon as they may, the value arrives, and the dispute's panel is drawn.
    function promptDraw(uint256 disputeSeed, uint256 value) external {
        uint256 id = _disputeIn(disputeSeed, IDisputeCourt.Status.Drawing);
        if (id == 0) return;
        VM.startPrank(keeper);
        for (uint256 i = 0; i < 3; i++) {
            IArbiterPool.PhaseState memory p = pool.phaseState();
            if (p.phase == IArbiterPool.Phase.Staking && block.timestamp < p.startedAt + 1 hours) {
                VM.warp(p.startedAt + 1 hours);
                VM.roll(block.number + 1);
            }
            if (p.phase == IArbiterPool.Phase.Generating) {
                uint256 req = rnd.lastRequestId();
                if (rnd.status(req) == IRandomness.Status.Pending) rnd.fulfill(req, value);
            }
            try pool.passPhase() {} catch {}
        }
        try court.drawArbiters(id) {
            calls["promptDraw"]++;
            if (court.getDispute(id).status == IDisputeCourt.Status.Voting) calls["seated"]++;
        } catch {}
        VM.stopPrank();
        // Three times in four the panel rules at once (each seat still silent one time in eight).
        if (value % 4 != 0 && court.getDispute(id).status == IDisputeCourt.Status.Voting) {
            _panelRules(id, uint256(keccak256(abi.encode(value))));
        }
    }

    function passPhase() external {
        VM.prank(keeper);
        try pool.passPhase() {
            calls["passPhase"]++;
        } catch {}
    }

    function drawArbiters(uint256 disputeSeed) external {
        uint256 id = _dispute(disputeSeed);
        VM.prank(keeper);
        try court.drawArbiters(id) {
            calls["drawArbiters"]++;
        } catch {}
    }

    function timeoutRuling(uint256 disputeSeed) external {
        uint256 id = _dispute(disputeSeed);
        VM.prank(keeper);
        try court.timeoutRuling(id) {
            calls["timeoutRuling"]++;
        } catch {}
    }

    function executeRuling(uint256 disputeSeed) external {
        uint256 id = _dispute(disputeSeed);
        VM.prank(keeper);
        try court.executeRuling(id) {
            calls["executeRuling"]++;
        } catch {}
    }

    function warp(uint256 secondsSeed) external {
        uint256 step = secondsSeed % 2 == 0 ? secondsSeed % 3 days : secondsSeed % 2 hours;
        VM.warp(block.timestamp + 1 + step);
        VM.roll(block.number + 1);
        calls["warp"]++;
    }

    /// @notice The keeper alone, with randomness that never comes, ends an open dispute: each
    /// state has a deadline after which its exit is callable (draws fail into the fallback).
    /// Bound: 3 rounds x (3 failed draws x (1 h staking + 1 day generating + 1 day drawing)
    /// + 1 day ruling + 1 day appeal window), fewer than 40 steps of a day.
    function disputeExit(uint256 disputeSeed) external {
        uint256 id = _dispute(disputeSeed);
        if (id == 0 || court.getDispute(id).status == IDisputeCourt.Status.Resolved) return;
        for (uint256 i = 0; i < 40; i++) {
            IDisputeCourt.Status st = court.getDispute(id).status;
            if (st == IDisputeCourt.Status.Resolved) break;
            VM.warp(block.timestamp + 1 days + 1);
            VM.roll(block.number + 1);
            VM.startPrank(keeper);
            if (st == IDisputeCourt.Status.Drawing) {
                try pool.passPhase() {} catch {}
                try court.drawArbiters(id) {} catch {}
            } else if (st == IDisputeCourt.Status.Voting) {
                try court.timeoutRuling(id) {} catch {}
            } else {
                try court.executeRuling(id) {} catch {}
            }
            VM.stopPrank();
        }
        if (court.getDispute(id).status != IDisputeCourt.Status.Resolved) {
            _violation("an open dispute had no exit the keeper could take by its deadlines");
        }
        if (market.getRide(id).state != IRideMarket.RideState.Resolved)
            _violation("a resolved dispute left its ride open");
        exitsTaken++;
        calls["disputeExit"]++;
    }

    // ================================================================ internals

    function _newAccount(uint256 n) internal returns (address a) {
        a = address(uint160(n));
        everyone.push(a);
        VM.prank(a);
        usd.faucet(1_000 * UNIT);
        VM.startPrank(a);
        usd.approve(address(market), type(uint256).max);
        usd.approve(address(court), type(uint256).max);
        VM.stopPrank();
    }

    function _register(address driver) internal {
        VM.prank(driver);
        market.registerDriver(100 * UNIT);
    }

    function _newRide(address rider, address driver, uint256 fare) internal returns (uint256 id) {
        IRideMarket.RideRequest memory req = IRideMarket.RideRequest({
            pickupCell: "u4pruy",
            dropoffCell: "u4pruy",
            commitment: bytes32(0),
            maxFare: fare,
            expiresAt: uint40(block.timestamp + 1 hours),
            minRating: 0,
            driver: driver
        });
        VM.prank(rider);
        id = market.requestRide(req);
        VM.prank(driver);
        market.acceptRide(id, fare);
    }

    /// @dev Tops `a` up from the faucet (a day's cooldown is skipped by time only when due).
    function _fund(address a, uint256 amount) internal {
        if (usd.balanceOf(a) >= amount) return;
        uint256 credit = market.creditOf(a);
        if (credit != 0) {
            VM.prank(a);
            market.withdraw(a);
        }
        if (usd.balanceOf(a) >= amount) return;
        if (court.creditOf(a) != 0) {
            uint256 c = court.creditOf(a);
            VM.prank(a);
            court.withdraw(a);
            gCourtOut += c;
        }
        if (usd.balanceOf(a) >= amount) return;
        uint256 left = usd.faucetCooldownLeft(a);
        if (left != 0) {
            VM.warp(block.timestamp + left);
            VM.roll(block.number + 1);
        }
        VM.prank(a);
        usd.faucet(1_000 * UNIT);
    }

    function _dispute(uint256 seed) internal view returns (uint256) {
        uint256 n = disputeIds.length;
        if (n == 0) return 0;
        uint256 window = n < 16 ? n : 16;
        return disputeIds[n - 1 - (seed % window)];
    }

    /// @dev The first dispute in `status` among the latest 16, from a seeded start (0 if none).
    function _disputeIn(uint256 seed, IDisputeCourt.Status status) internal view returns (uint256) {
        uint256 n = disputeIds.length;
        uint256 window = n < 16 ? n : 16;
        for (uint256 i = 0; i < window; i++) {
            uint256 id = disputeIds[n - 1 - ((seed + i) % window)];
            if (court.getDispute(id).status == status) return id;
        }
        return 0;
    }

    function _violation(string memory why) internal {
        violations++;
        lastViolation = why;
    }
}
