// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IArbiterPool} from "../interfaces/IArbiterPool.sol";
import {IDisputeCourt} from "../interfaces/IDisputeCourt.sol";
import {IRideMarket} from "../interfaces/IRideMarket.sol";

/// @title DisputeCourt
/// @notice The third key of the ride's 2-of-3 escrow. The escrow itself never leaves the
/// market: a resolution tells the market how to split it in its credit ledger. The court holds
/// only its own fees (dispute and appeal fees, in the fare token), paid out as credits.
/// Every loop is bounded by a constant: at most 7 seats per round and 3 rounds.
contract DisputeCourt is ERC2771Context, ReentrancyGuardTransient, IDisputeCourt {
    using SafeERC20 for IERC20;

    uint256 private constant _BPS = 10_000;
    uint16 private constant _HALF = 5_000;
    /// @notice The last round: rounds 0, 1, 2 seat 1, 3 and 7 arbiters.
    uint8 public constant MAX_ROUND = 2;
    /// @notice How long a settlement offer stands.
    uint256 public constant SETTLEMENT_VALIDITY = 3 days;
    /// @notice A ruling giving the rider at least this share of a ride the driver marked
    /// Completed finds the completion fake: the driver loses `noShowPenalty` of stake to the rider.
    uint16 public constant FAKE_COMPLETION_BPS = 9_000;
    /// @dev The market's ride flag for "driver arrived" (RideMarket._ARRIVED).
    uint8 private constant _ARRIVED = 1;

    bytes32 private constant _DISPUTE_FEE = "disputeFee";
    bytes32 private constant _ARBITER_FEE = "arbiterFee";
    bytes32 private constant _RULING_DEADLINE = "rulingDeadline";
    bytes32 private constant _APPEAL_WINDOW = "appealWindow";
    bytes32 private constant _APPEAL_FEE_BASE = "appealFeeBase";
    bytes32 private constant _APPEAL_FEE_GROWTH_BPS = "appealFeeGrowthBps";
    bytes32 private constant _MAX_FAILED_DRAWS = "maxFailedDraws";

    IRideMarket private immutable _market;
    IArbiterPool private immutable _pool;
    IERC20 private immutable _fareToken;
    uint256 private immutable _fareUnit;
    address private immutable _governance;

    CourtParams private _params;
    mapping(uint256 disputeId => Dispute) private _disputes;
    mapping(uint256 seatKey => Seat) private _seats;
    mapping(uint256 disputeId => Proposal) private _proposals;
    mapping(address account => uint256) private _credits;

    /// @param market_ The RideMarket whose court this becomes (`market.setCourt(court)`).
    /// @param pool_ The ArbiterPool (`pool.setCourt(court)`).
    /// @param governance_ The timelock: the only authority over parameters.
    /// @param params_ Initial parameters, each checked against its hard bound.
    /// @param trustedForwarder_ The suite's ERC-2771 forwarder: a request it relays acts as its signer.
    constructor(
        IRideMarket market_,
        IArbiterPool pool_,
        address governance_,
        CourtParams memory params_,
        address trustedForwarder_
    ) ERC2771Context(trustedForwarder_) {
        _market = market_;
        _pool = pool_;
        _governance = governance_;
        _fareToken = market_.fareToken();
        _fareUnit = 10 ** IERC20Metadata(address(_fareToken)).decimals();
        _set(_DISPUTE_FEE, params_.disputeFee);
        _set(_ARBITER_FEE, params_.arbiterFee);
        _set(_RULING_DEADLINE, params_.rulingDeadline);
        _set(_APPEAL_WINDOW, params_.appealWindow);
        _set(_APPEAL_FEE_BASE, params_.appealFeeBase);
        _set(_APPEAL_FEE_GROWTH_BPS, params_.appealFeeGrowthBps);
        _set(_MAX_FAILED_DRAWS, params_.maxFailedDraws);
    }

    // ================================================================ parties

    /// @inheritdoc IDisputeCourt
    function openDispute(uint256 rideId) external nonReentrant returns (uint256 disputeId) {
        disputeId = rideId;
        Dispute storage d = _disputes[rideId];
        if (d.rider != address(0)) revert DisputeAlreadyOpened(rideId);
        IRideMarket.Ride memory ride = _market.getRide(rideId);
        IRideMarket.RideState state = ride.state;
        if (
            state != IRideMarket.RideState.Accepted &&
            state != IRideMarket.RideState.Started &&
            state != IRideMarket.RideState.Completed
        ) revert RideNotDisputable(rideId, state);
        bool byRider = _msgSender() == ride.rider;
        if (!byRider && _msgSender() != ride.driver) revert NotParty(rideId, _msgSender());
        bool claimedComplete = state == IRideMarket.RideState.Completed;
        if (claimedComplete) {
            (IRideMarket.Params memory mp, , ) = _market.parameters();
            uint256 closedAt = uint256(ride.stamp) + mp.confirmWindow;
            if (block.timestamp > closedAt) revert DisputeWindowClosed(rideId, closedAt);
        } else if (!byRider && state == IRideMarket.RideState.Accepted && (ride.flags & _ARRIVED) == 0) {
            revert DriverNotArrived(rideId);
        }

        uint256 fee = _params.disputeFee;
        d.rider = ride.rider;
        d.fare = ride.fare;
        d.driver = ride.driver;
        d.status = Status.Drawing;
        d.openedByRider = byRider;
        d.claimedComplete = claimedComplete;
        d.arbiterFee = _params.arbiterFee;
        if (byRider) d.paidByRider = uint128(fee);
        else d.paidByDriver = uint128(fee);
        _market.openDispute(rideId, _msgSender());
        uint64 epoch = _pool.queueDraw();
        d.drawEpoch = epoch;
        emit DisputeOpened(rideId, _msgSender(), ride.rider, ride.driver, ride.fare, fee, epoch);
        _pullFee(_msgSender(), fee);
    }

    /// @inheritdoc IDisputeCourt
    function submitEvidence(uint256 disputeId, string calldata uri, bytes32 hash) external {
        Dispute storage d = _requireOpen(disputeId);
        _requireParty(disputeId, d);
        emit Evidence(disputeId, _msgSender(), uri, hash);
    }

    /// @inheritdoc IDisputeCourt
    function proposeSettlement(uint256 disputeId, uint16 riderBps) external {
        Dispute storage d = _requireOpen(disputeId);
        _requireParty(disputeId, d);
        _checkSplit(riderBps);
        uint40 expiresAt = uint40(block.timestamp + SETTLEMENT_VALIDITY);
        _proposals[disputeId] = Proposal(_msgSender(), riderBps, expiresAt);
        emit SettlementProposed(disputeId, _msgSender(), riderBps, expiresAt);
    }

    /// @inheritdoc IDisputeCourt
    function withdrawSettlement(uint256 disputeId) external {
        Proposal memory p = _proposals[disputeId];
        if (p.proposer == address(0)) revert NoSettlementProposed(disputeId);
        if (p.proposer != _msgSender()) revert SettlementWrongParty(disputeId, _msgSender(), p.proposer);
        delete _proposals[disputeId];
        emit SettlementWithdrawn(disputeId, _msgSender());
    }

    /// @inheritdoc IDisputeCourt
    function acceptSettlement(uint256 disputeId, uint16 riderBps) external nonReentrant {
        Dispute storage d = _requireOpen(disputeId);
        _requireParty(disputeId, d);
        Proposal memory p = _proposals[disputeId];
        if (p.proposer == address(0)) revert NoSettlementProposed(disputeId);
        if (p.proposer == _msgSender()) revert SettlementWrongParty(disputeId, _msgSender(), p.proposer);
        if (p.riderBps != riderBps) revert SettlementMismatch(disputeId, p.riderBps, riderBps);
        if (block.timestamp > p.expiresAt) revert SettlementExpired(disputeId, p.expiresAt);
        _resolve(disputeId, d, Outcome.Settled, riderBps, d.status == Status.Drawing);
    }

    /// @inheritdoc IDisputeCourt
    function appeal(uint256 disputeId, uint256 fee) external nonReentrant {
        Dispute storage d = _requireStatus(disputeId, Status.Ruled);
        if (block.timestamp > d.deadline) revert AppealWindowClosed(disputeId, d.deadline);
        uint8 round = d.round;
        if (round >= MAX_ROUND) revert NoMoreAppeals(disputeId, round);
        bool byRider = _requireParty(disputeId, d);
        if (byRider ? d.riderBps > _HALF : d.riderBps < _HALF) revert NotLosingParty(disputeId, _msgSender());
        uint256 required = appealFee(disputeId, round + 1);
        if (fee < required) revert AppealUnderpaid(disputeId, fee, required);
        uint256 seats = panelSize(round + 1);
        uint256 eligible = _pool.eligibleCount(_excluded(disputeId, d, round));
        if (eligible < seats) revert AppealUnseatable(disputeId, seats, eligible);

        // Fees are bounded (<= 100 + 3 * 1,000 * 5 fare tokens per round), far below 2^128.
        if (byRider) d.paidByRider += uint128(required);
        else d.paidByDriver += uint128(required);
        d.round = round + 1;
        d.failedDraws = 0;
        d.status = Status.Drawing;
        uint64 epoch = _pool.queueDraw();
        d.drawEpoch = epoch;
        _clearSettlement(disputeId);
        emit Appealed(disputeId, _msgSender(), round + 1, required, epoch);
        _pullFee(_msgSender(), required);
    }

    // ================================================================ arbiters and keepers

    /// @inheritdoc IDisputeCourt
    function drawArbiters(uint256 disputeId) external nonReentrant {
        Dispute storage d = _requireStatus(disputeId, Status.Drawing);
        IArbiterPool.PhaseState memory p = _pool.phaseState();
        uint64 epoch = d.drawEpoch;
        if (epoch > p.epoch || (epoch == p.epoch && p.phase == IArbiterPool.Phase.Generating)) {
            revert DrawNotReady(disputeId, epoch, p.epoch, uint8(p.phase));
        }
        // The epoch passed without this draw (abandoned, or its Drawing phase ended): a failed
        // draw, so letting an epoch lapse is no free re-roll.
        if (epoch < p.epoch || p.phase != IArbiterPool.Phase.Drawing) {
            _failDraw(disputeId, d);
            return;
        }

        uint8 round = d.round;
        uint8 size = panelSize(round);
        uint8 empty;
        for (uint8 s = 0; s < size; ++s) {
            if (_seats[_seatKey(disputeId, round, s)].arbiter == address(0)) ++empty;
        }
        uint256 seed = uint256(keccak256(abi.encode(_pool.epochSeed(epoch), disputeId, round, d.failedDraws)));
        address[] memory drawn = _pool.drawPanel(epoch, seed, _excluded(disputeId, d, round), empty);
        if (drawn.length < empty) {
            _failDraw(disputeId, d);
            return;
        }
        uint8 next;
        for (uint8 s = 0; s < size; ++s) {
            Seat storage seat = _seats[_seatKey(disputeId, round, s)];
            if (seat.arbiter != address(0)) continue;
            address picked = drawn[next++];
            uint256 locked = _pool.lock(picked);
            seat.arbiter = picked;
            seat.locked = uint72(locked); // <= drawLock <= 4,000e18 < 2^72
            emit ArbiterDrawn(disputeId, round, s, picked, locked);
        }
        uint40 deadline = uint40(block.timestamp + _params.rulingDeadline);
        d.status = Status.Voting;
        d.deadline = deadline;
        _clearSettlement(disputeId);
        emit PanelSeated(disputeId, round, deadline);
    }

    /// @inheritdoc IDisputeCourt
    function rule(uint256 disputeId, uint16 riderBps) external nonReentrant {
        Dispute storage d = _requireDispute(disputeId);
        uint8 round = d.round;
        uint8 size = panelSize(round);
        Seat storage seat = _findSeat(disputeId, round, size, _msgSender());
        if (seat.voted) revert AlreadyRuled(disputeId, _msgSender());
        if (d.status != Status.Voting) revert DisputeWrongStatus(disputeId, d.status, Status.Voting);
        if (block.timestamp > d.deadline) revert RulingDeadlinePassed(disputeId, d.deadline);
        _checkSplit(riderBps);

        seat.voted = true;
        seat.riderBps = riderBps;
        uint256 fee = d.arbiterFee;
        d.feesEarned += uint96(fee); // at most 11 seats are ever paid, each <= 100 fare tokens
        emit Voted(disputeId, round, _msgSender(), riderBps, fee);
        if (fee != 0) _credit(_msgSender(), fee);

        (bool complete, uint16 median) = _tally(disputeId, round, size);
        if (complete) {
            uint40 appealDeadline = uint40(block.timestamp + _params.appealWindow);
            d.riderBps = median;
            d.status = Status.Ruled;
            d.deadline = appealDeadline;
            _clearSettlement(disputeId);
            emit RoundRuled(disputeId, round, median, appealDeadline);
        }
    }

    /// @inheritdoc IDisputeCourt
    function timeoutRuling(uint256 disputeId) external nonReentrant {
        Dispute storage d = _requireStatus(disputeId, Status.Voting);
        if (block.timestamp <= d.deadline) revert RulingDeadlineNotPassed(disputeId, d.deadline);
        uint8 round = d.round;
        uint8 size = panelSize(round);
        for (uint8 s = 0; s < size; ++s) {
            uint256 key = _seatKey(disputeId, round, s);
            Seat memory seat = _seats[key];
            if (seat.voted) continue;
            delete _seats[key];
            uint256 slashed = _pool.slash(seat.arbiter, seat.locked, d.rider, d.driver);
            emit ArbiterSilent(disputeId, round, seat.arbiter, slashed);
        }
        _failDraw(disputeId, d);
    }

    /// @inheritdoc IDisputeCourt
    function executeRuling(uint256 disputeId) external nonReentrant {
        Dispute storage d = _requireStatus(disputeId, Status.Ruled);
        if (d.round < MAX_ROUND && block.timestamp <= d.deadline) revert AppealWindowOpen(disputeId, d.deadline);
        _resolve(disputeId, d, Outcome.Ruled, d.riderBps, false);
    }

    /// @inheritdoc IDisputeCourt
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        amount = _credits[_msgSender()];
        if (amount == 0) revert NothingToWithdraw(_msgSender());
        _credits[_msgSender()] = 0;
        emit Withdrawn(_msgSender(), to, amount);
        _fareToken.safeTransfer(to, amount);
    }

    // ================================================================ governance

    /// @inheritdoc IDisputeCourt
    function setParameter(bytes32 name, uint256 value) external {
        if (_msgSender() != _governance) revert NotGovernance(_msgSender());
        _set(name, value);
    }

    // ================================================================ views

    /// @inheritdoc IDisputeCourt
    function getDispute(uint256 disputeId) external view returns (Dispute memory) {
        return _disputes[disputeId];
    }

    /// @inheritdoc IDisputeCourt
    function getSeat(uint256 disputeId, uint8 round, uint8 seat) external view returns (Seat memory) {
        return _seats[_seatKey(disputeId, round, seat)];
    }

    /// @inheritdoc IDisputeCourt
    function getProposal(uint256 disputeId) external view returns (Proposal memory) {
        return _proposals[disputeId];
    }

    /// @inheritdoc IDisputeCourt
    function appealFee(uint256 disputeId, uint8 round) public view returns (uint256 fee) {
        if (round == 0 || round > MAX_ROUND) revert NoMoreAppeals(disputeId, round);
        fee = _params.appealFeeBase;
        if (round == 2) fee = (fee * _params.appealFeeGrowthBps) / _BPS;
        fee += uint256(panelSize(round)) * _disputes[disputeId].arbiterFee;
    }

    /// @inheritdoc IDisputeCourt
    function panelSize(uint8 round) public pure returns (uint8) {
        return uint8((2 << round) - 1);
    }

    /// @inheritdoc IDisputeCourt
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IDisputeCourt
    function parameters() external view returns (CourtParams memory) {
        return _params;
    }

    /// @inheritdoc IDisputeCourt
    function parameter(bytes32 name) external view returns (uint256 value, uint256 min, uint256 max) {
        (min, max) = _bounds(name);
        value = _get(name);
    }

    /// @inheritdoc IDisputeCourt
    function governance() external view returns (address) {
        return _governance;
    }

    // ================================================================ internals

    /// @dev Round 0 falls back to 50/50, or to a full refund of a ride the driver claimed
    /// Completed (the claim was never confirmed nor upheld); an appeal round that cannot seat
    /// a panel leaves the previous round's ruling standing.
    function _failDraw(uint256 disputeId, Dispute storage d) private {
        uint8 failed = d.failedDraws + 1;
        d.failedDraws = failed;
        if (failed >= _params.maxFailedDraws) {
            emit DrawFailed(disputeId, d.round, failed, 0);
            uint16 fallbackBps =
                d.round != 0
                    ? d.riderBps
                    : d.claimedComplete
                        ? uint16(_BPS)
                        : _HALF;
            _resolve(disputeId, d, Outcome.Fallback, fallbackBps, false);
            return;
        }
        uint64 epoch = _pool.queueDraw();
        d.drawEpoch = epoch;
        d.status = Status.Drawing;
        emit DrawFailed(disputeId, d.round, failed, epoch);
    }

    function _clearSettlement(uint256 disputeId) private {
        if (_proposals[disputeId].proposer == address(0)) return;
        delete _proposals[disputeId];
        emit SettlementCleared(disputeId);
    }

    /// @dev The parties and every arbiter seated in rounds 0..`round` (at most 2 + 11).
    function _excluded(uint256 disputeId, Dispute storage d, uint8 round) private view returns (address[] memory list) {
        address[13] memory all;
        all[0] = d.rider;
        all[1] = d.driver;
        uint256 n = 2;
        for (uint8 r = 0; r <= round; ++r) {
            uint8 size = panelSize(r);
            for (uint8 s = 0; s < size; ++s) {
                address a = _seats[_seatKey(disputeId, r, s)].arbiter;
                if (a != address(0)) all[n++] = a;
            }
        }
        list = new address[](n);
        for (uint256 i = 0; i < n; ++i) list[i] = all[i];
    }

    /// @dev Ends the dispute: releases every seat's lock, credits the fees left in the pot, and
    /// has the market split the escrow. The pot goes to the winner of a ruling (the party given
    /// more than half); after a settlement or an even split it goes back to whoever paid it.
    /// `queued`: the dispute's draw is still queued in the pool (a settlement while Drawing).
    function _resolve(uint256 disputeId, Dispute storage d, Outcome outcome, uint16 riderBps, bool queued) private {
        if (queued) _pool.unqueueDraw(d.drawEpoch);
        d.status = Status.Resolved;
        d.riderBps = riderBps;
        uint8 lastRound = d.round;
        for (uint8 r = 0; r <= lastRound; ++r) {
            uint8 size = panelSize(r);
            for (uint8 s = 0; s < size; ++s) {
                Seat storage seat = _seats[_seatKey(disputeId, r, s)];
                uint256 locked = seat.locked;
                if (locked == 0) continue;
                seat.locked = 0;
                _pool.unlock(seat.arbiter, locked);
            }
        }

        uint256 paidByRider = d.paidByRider;
        uint256 paid = paidByRider + d.paidByDriver;
        uint256 pot = paid - d.feesEarned;
        uint256 riderRefund;
        if (outcome != Outcome.Settled && riderBps > _HALF) riderRefund = pot;
        else if (outcome == Outcome.Settled || riderBps == _HALF) {
            riderRefund = paid == 0 ? 0 : (pot * paidByRider) / paid;
        }
        uint256 driverRefund = pot - riderRefund;
        if (riderRefund != 0) _credit(d.rider, riderRefund);
        if (driverRefund != 0) _credit(d.driver, driverRefund);

        (uint256 riderAmount, uint256 stakePenalty) = _loserPays(d, outcome, riderBps, paid - pot);
        emit DisputeResolved(disputeId, outcome, riderBps, riderAmount, riderRefund, driverRefund);
        _market.resolveDispute(disputeId, riderAmount, stakePenalty);
    }

    /// @dev The loser pays: the arbiter fees `feesEarned` the winner bore beyond what the loser
    /// paid in come out of the loser's share of the fare (and, for a losing driver, its market
    /// stake). A driver whose claimed completion is found fake (a ruling of at least
    /// `FAKE_COMPLETION_BPS`, or the fallback's full refund) also loses `noShowPenalty`.
    function _loserPays(
        Dispute storage d,
        Outcome outcome,
        uint16 riderBps,
        uint256 feesEarned
    ) private view returns (uint256 riderAmount, uint256 stakePenalty) {
        uint256 fare = d.fare;
        riderAmount = (fare * riderBps) / _BPS;
        if (outcome == Outcome.Settled || riderBps == _HALF) return (riderAmount, 0);
        if (riderBps > _HALF) {
            uint256 owed = feesEarned > d.paidByDriver ? feesEarned - d.paidByDriver : 0;
            uint256 fromFare = _min(owed, fare - riderAmount);
            riderAmount += fromFare;
            stakePenalty = owed - fromFare;
            if (d.claimedComplete && riderBps >= FAKE_COMPLETION_BPS) {
                (, IRideMarket.Amounts memory amounts, ) = _market.parameters();
                stakePenalty += amounts.noShowPenalty;
            }
        } else {
            uint256 owed = feesEarned > d.paidByRider ? feesEarned - d.paidByRider : 0;
            riderAmount -= _min(owed, riderAmount);
        }
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _findSeat(
        uint256 disputeId,
        uint8 round,
        uint8 size,
        address arbiter
    ) private view returns (Seat storage seat) {
        for (uint8 s = 0; s < size; ++s) {
            seat = _seats[_seatKey(disputeId, round, s)];
            if (seat.arbiter == arbiter) return seat;
        }
        revert NotDrawnArbiter(disputeId, arbiter);
    }

    /// @dev Whether every seat voted and, if so, the median vote (insertion sort of <= 7 values).
    function _tally(uint256 disputeId, uint8 round, uint8 size) private view returns (bool, uint16) {
        uint16[7] memory votes;
        for (uint8 s = 0; s < size; ++s) {
            Seat storage seat = _seats[_seatKey(disputeId, round, s)];
            if (!seat.voted) return (false, 0);
            uint16 v = seat.riderBps;
            uint8 j = s;
            while (j > 0 && votes[j - 1] > v) {
                votes[j] = votes[j - 1];
                --j;
            }
            votes[j] = v;
        }
        return (true, votes[size / 2]);
    }

    function _requireDispute(uint256 disputeId) private view returns (Dispute storage d) {
        d = _disputes[disputeId];
        if (d.rider == address(0)) revert DisputeUnknown(disputeId);
    }

    function _requireOpen(uint256 disputeId) private view returns (Dispute storage d) {
        d = _requireDispute(disputeId);
        if (d.status == Status.Resolved) revert DisputeAlreadyResolved(disputeId);
    }

    function _requireStatus(uint256 disputeId, Status expected) private view returns (Dispute storage d) {
        d = _requireDispute(disputeId);
        if (d.status != expected) revert DisputeWrongStatus(disputeId, d.status, expected);
    }

    /// @dev Returns whether the caller is the rider (else the driver).
    function _requireParty(uint256 disputeId, Dispute storage d) private view returns (bool) {
        if (_msgSender() == d.rider) return true;
        if (_msgSender() != d.driver) revert NotParty(disputeId, _msgSender());
        return false;
    }

    function _checkSplit(uint256 riderBps) private pure {
        if (riderBps > _BPS) revert InvalidSplit(riderBps);
    }

    function _seatKey(uint256 disputeId, uint8 round, uint8 seat) private pure returns (uint256) {
        return (disputeId << 16) | (uint256(round) << 8) | seat;
    }

    function _credit(address to, uint256 amount) private {
        uint256 balance = _credits[to] + amount;
        _credits[to] = balance;
        emit Credited(to, amount, balance);
    }

    function _pullFee(address from, uint256 amount) private {
        if (amount == 0) return;
        uint256 before = _fareToken.balanceOf(address(this));
        _fareToken.safeTransferFrom(from, address(this), amount);
        uint256 received = _fareToken.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferToken(amount, received);
    }

    /// @dev The hard bounds; fee amounts in whole fare tokens times `_fareUnit`. The dispute
    /// fee never falls below the arbiter fee, so a ruling is always paid from the pot.
    function _bounds(bytes32 name) private view returns (uint256 min, uint256 max) {
        if (name == _DISPUTE_FEE) return (_params.arbiterFee, 100 * _fareUnit);
        if (name == _ARBITER_FEE) return (0, _params.disputeFee);
        if (name == _RULING_DEADLINE) return (1 hours, 7 days);
        if (name == _APPEAL_WINDOW) return (1 hours, 7 days);
        if (name == _APPEAL_FEE_BASE) return (0, 1_000 * _fareUnit);
        if (name == _APPEAL_FEE_GROWTH_BPS) return (_BPS, 5 * _BPS);
        if (name == _MAX_FAILED_DRAWS) return (1, 10);
        revert ParameterUnknown(name);
    }

    function _get(bytes32 name) private view returns (uint256) {
        if (name == _DISPUTE_FEE) return _params.disputeFee;
        if (name == _ARBITER_FEE) return _params.arbiterFee;
        if (name == _RULING_DEADLINE) return _params.rulingDeadline;
        if (name == _APPEAL_WINDOW) return _params.appealWindow;
        if (name == _APPEAL_FEE_BASE) return _params.appealFeeBase;
        if (name == _APPEAL_FEE_GROWTH_BPS) return _params.appealFeeGrowthBps;
        return _params.maxFailedDraws; // _bounds rejected unknown names first
    }

    /// @dev The narrowing casts are safe: every max fits its field (100e18 < 2^96).
    function _set(bytes32 name, uint256 value) private {
        (uint256 min, uint256 max) = _bounds(name);
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
        uint256 old = _get(name);
        if (name == _DISPUTE_FEE) _params.disputeFee = uint96(value);
        else if (name == _ARBITER_FEE) _params.arbiterFee = uint96(value);
        else if (name == _RULING_DEADLINE) _params.rulingDeadline = uint32(value);
        else if (name == _APPEAL_WINDOW) _params.appealWindow = uint32(value);
        else if (name == _APPEAL_FEE_BASE) _params.appealFeeBase = uint96(value);
        else if (name == _APPEAL_FEE_GROWTH_BPS) _params.appealFeeGrowthBps = uint32(value);
        else _params.maxFailedDraws = uint8(value);
        emit ParameterChanged(name, old, value);
    }
}
