// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRideMarket} from "./IRideMarket.sol";

/// @title DisputeCourt: the 2-of-3 escrow for a disputed ride
/// @notice A party opens a dispute (paying the dispute fee) and the ride freezes. The parties
/// may settle on a split at any time before the ruling is executed (no arbiter fee). Otherwise
/// an arbiter drawn at random, weighted by stake, rules a split; the losing party may appeal to
/// a larger panel (3, then 7 arbiters; the median split rules). A dispute's id is its ride's id.
/// Splits are in basis points of the fare to the rider; the driver receives the rest.
interface IDisputeCourt {
    enum Status {
        None,
        Drawing, // waiting for randomness and a draw of the current round's panel
        Voting, // the panel is seated and rules until the deadline
        Ruled, // the round's ruling stands; appealable until the deadline
        Resolved
    }

    /// @notice How a dispute ended.
    enum Outcome {
        None,
        Settled,
        Ruled,
        Fallback
    }

    /// @notice One dispute, four slots.
    /// slot 0: rider (20) + fare (12).
    /// slot 1: driver (20) + status (1) + round (1) + failed draws (1) + riderBps (2) +
    ///         opened by the rider (1) + claimed complete (1) + deadline (5): the ruling
    ///         deadline while Voting, the appeal deadline while Ruled.
    /// slot 2: the pool epoch whose randomness draws the next panel (8) + arbiter fee fixed at
    ///         opening (12) + fees earned (12).
    /// slot 3: what the rider and the driver paid into the court (16 + 16).
    struct Dispute {
        address rider;
        uint96 fare;
        address driver;
        Status status;
        uint8 round;
        uint8 failedDraws;
        uint16 riderBps;
        bool openedByRider;
        bool claimedComplete; // the ride was Completed (the driver claimed it) when disputed
        uint40 deadline;
        uint64 drawEpoch;
        uint96 arbiterFee;
        uint96 feesEarned;
        uint128 paidByRider;
        uint128 paidByDriver;
    }

    /// @notice One seat of a round's panel, one slot.
    struct Seat {
        address arbiter;
        uint72 locked; // RIDE locked in the pool for this seat
        uint16 riderBps;
        bool voted;
    }

    /// @notice A settlement offer, one slot. It lapses at `expiresAt`, when withdrawn, and when
    /// a panel is seated, a round is ruled or an appeal is made.
    struct Proposal {
        address proposer;
        uint16 riderBps;
        uint40 expiresAt;
    }

    /// @notice The governed parameters, two slots.
    struct CourtParams {
        uint96 disputeFee; // paid by the opener; at least the arbiter fee
        uint96 arbiterFee; // earned per seat by each arbiter who rules in time
        uint32 rulingDeadline; // seconds a seated panel has to rule
        uint32 appealWindow; // seconds after a ruling in which the loser may appeal
        uint96 appealFeeBase; // the first appeal's surcharge on top of its seats' arbiter fees
        uint32 appealFeeGrowthBps; // each later appeal's surcharge, x growth / 10,000
        uint8 maxFailedDraws; // per round: silent panels or empty draws before the fallback
    }

    error NotGovernance(address caller);
    error ParameterUnknown(bytes32 name);
    error ParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);
    error FeeOnTransferToken(uint256 sent, uint256 received);
    error NothingToWithdraw(address account);
    /// @dev The ride cannot be disputed in `state` (only Accepted, Started or Completed).
    error RideNotDisputable(uint256 rideId, IRideMarket.RideState state);
    error DisputeAlreadyOpened(uint256 rideId);
    error DisputeUnknown(uint256 disputeId);
    error DisputeWrongStatus(uint256 disputeId, Status current, Status expected);
    error DisputeAlreadyResolved(uint256 disputeId);
    error NotParty(uint256 disputeId, address caller);
    error InvalidSplit(uint256 riderBps);
    error NoSettlementProposed(uint256 disputeId);
    error SettlementWrongParty(uint256 disputeId, address caller, address proposer);
    error SettlementMismatch(uint256 disputeId, uint256 proposedBps, uint256 givenBps);
    /// @dev The dispute draws with epoch `drawEpoch`'s randomness; the pool is in epoch
    /// `poolEpoch`, phase `phase` (a pool phase): the draw waits for `passPhase`.
    error DrawNotReady(uint256 disputeId, uint256 drawEpoch, uint256 poolEpoch, uint8 phase);
    /// @dev A Completed ride is disputable only within its confirmation window, closed at `closedAt`.
    error DisputeWindowClosed(uint256 rideId, uint256 closedAt);
    /// @dev A driver disputes an Accepted ride only after arriving (the no-show remedy stays the rider's).
    error DriverNotArrived(uint256 rideId);
    /// @dev The standing offer lapsed at `expiresAt`.
    error SettlementExpired(uint256 disputeId, uint256 expiresAt);
    /// @dev The appeal's `seats` cannot be filled: only `eligible` stakers are neither parties
    /// nor already seated.
    error AppealUnseatable(uint256 disputeId, uint256 seats, uint256 eligible);
    error NotDrawnArbiter(uint256 disputeId, address caller);
    error RulingDeadlinePassed(uint256 disputeId, uint256 deadline);
    error RulingDeadlineNotPassed(uint256 disputeId, uint256 deadline);
    error AlreadyRuled(uint256 disputeId, address arbiter);
    error NotLosingParty(uint256 disputeId, address caller);
    error AppealWindowClosed(uint256 disputeId, uint256 deadline);
    error AppealWindowOpen(uint256 disputeId, uint256 deadline);
    error NoMoreAppeals(uint256 disputeId, uint256 round);
    error AppealUnderpaid(uint256 disputeId, uint256 offered, uint256 required);

    event DisputeOpened(
        uint256 indexed disputeId,
        address indexed opener,
        address rider,
        address driver,
        uint256 fare,
        uint256 fee,
        uint256 drawEpoch
    );
    /// @notice ERC-1497 style evidence: a URI to a document and its keccak256 hash.
    event Evidence(uint256 indexed disputeId, address indexed party, string uri, bytes32 hash);
    event SettlementProposed(uint256 indexed disputeId, address indexed proposer, uint16 riderBps, uint40 expiresAt);
    event SettlementWithdrawn(uint256 indexed disputeId, address indexed proposer);
    /// @notice The standing offer was cleared by a seated panel, a ruling or an appeal.
    event SettlementCleared(uint256 indexed disputeId);
    event ArbiterDrawn(uint256 indexed disputeId, uint8 round, uint8 seat, address indexed arbiter, uint256 locked);
    /// @notice A draw could not seat the whole panel, its epoch passed undrawn, or a panel
    /// stayed silent: `failedDraws` so far; the next try uses `drawEpoch` (0: fallback).
    event DrawFailed(uint256 indexed disputeId, uint8 round, uint8 failedDraws, uint256 drawEpoch);
    event PanelSeated(uint256 indexed disputeId, uint8 round, uint40 deadline);
    event Voted(uint256 indexed disputeId, uint8 round, address indexed arbiter, uint16 riderBps, uint256 fee);
    event ArbiterSilent(uint256 indexed disputeId, uint8 round, address indexed arbiter, uint256 slashed);
    event RoundRuled(uint256 indexed disputeId, uint8 round, uint16 riderBps, uint40 appealDeadline);
    event Appealed(uint256 indexed disputeId, address indexed appellant, uint8 round, uint256 fee, uint256 drawEpoch);
    event DisputeResolved(
        uint256 indexed disputeId,
        Outcome outcome,
        uint16 riderBps,
        uint256 riderAmount,
        uint256 riderRefund,
        uint256 driverRefund
    );
    event Credited(address indexed account, uint256 amount, uint256 balance);
    event Withdrawn(address indexed account, address indexed to, uint256 amount);
    event ParameterChanged(bytes32 indexed name, uint256 oldValue, uint256 newValue);

    /// @notice The caller, a party to ride `rideId`, opens a dispute and pays the dispute fee
    /// (approve first). The ride freezes and the first draw is queued for the pool's next epoch.
    /// Requirements: state Accepted, Started or Completed; caller is the rider or the driver;
    /// a Completed ride within its confirmation window; a driver on an Accepted ride only after
    /// arriving; no earlier dispute on the ride. Emits {DisputeOpened}.
    function openDispute(uint256 rideId) external returns (uint256 disputeId);

    /// @notice A party posts evidence (ERC-1497 style): nothing is stored but the event.
    /// Requirements: caller is a party; the dispute is not resolved. Emits {Evidence}.
    function submitEvidence(uint256 disputeId, string calldata uri, bytes32 hash) external;

    /// @notice A party proposes `riderBps` of the fare to the rider (replacing any proposal),
    /// valid for `SETTLEMENT_VALIDITY`.
    /// Requirements: caller is a party; not resolved; riderBps <= 10,000. Emits {SettlementProposed}.
    function proposeSettlement(uint256 disputeId, uint16 riderBps) external;

    /// @notice The proposer withdraws its standing offer.
    /// Requirements: caller made the standing offer. Emits {SettlementWithdrawn}.
    function withdrawSettlement(uint256 disputeId) external;

    /// @notice The other party agrees to the standing proposal, which must be `riderBps`: the
    /// escrow splits at once, no arbiter fee is due, locks are released, fees go back.
    /// Requirements: not resolved; a proposal stands, unexpired; caller is the other party; same split.
    /// Emits {DisputeResolved}.
    function acceptSettlement(uint256 disputeId, uint16 riderBps) external;

    /// @notice Anyone seats the current round's panel from the frozen pool with the random
    /// value of the dispute's epoch, drawing only eligible stakers (parties and seated
    /// arbiters masked out). Too little eligible weight, or an epoch that passed undrawn
    /// (abandoned, or its Drawing phase over), counts as a failed draw and queues the next
    /// epoch; at `maxFailedDraws` the fallback resolves.
    /// Requirements: status Drawing; the pool reached the dispute's epoch. Emits {ArbiterDrawn},
    /// {PanelSeated} or {DrawFailed}.
    function drawArbiters(uint256 disputeId) external;

    /// @notice A seated arbiter rules `riderBps` and earns the arbiter fee. The last vote of
    /// the panel makes the round's ruling (the median of the votes).
    /// Requirements: status Voting; caller holds an unvoted seat; before the deadline;
    /// riderBps <= 10,000. Emits {Voted}, {Credited}, and {RoundRuled} on the last vote.
    function rule(uint256 disputeId, uint16 riderBps) external;

    /// @notice Anyone, after the ruling deadline, slashes the panel's silent arbiters and asks
    /// for new ones (a failed draw); at `maxFailedDraws` the fallback resolves.
    /// Requirements: status Voting; the deadline passed. Emits {ArbiterSilent}, {DrawFailed}.
    function timeoutRuling(uint256 disputeId) external;

    /// @notice The losing party appeals to a larger panel, paying `fee` (>= `appealFee`).
    /// Requirements: status Ruled; within the appeal window; caller got less than half the
    /// fare (either party on an even split); rounds remain; enough eligible stakers for the
    /// seats. Clears any settlement offer. Emits {Appealed}.
    function appeal(uint256 disputeId, uint256 fee) external;

    /// @notice Anyone applies a ruling whose appeal window passed (or that has no appeal left).
    /// Requirements: status Ruled; the window passed or no appeal remains. Emits {DisputeResolved}.
    function executeRuling(uint256 disputeId) external;

    /// @notice Sends the caller's fare-token credit to `to`.
    /// Requirements: a non-zero credit. Emits {Withdrawn}.
    function withdraw(address to) external returns (uint256 amount);

    /// @notice Governance sets a parameter by name within its hard bound.
    /// Requirements: caller is governance; known name; in bounds (disputeFee >= arbiterFee).
    /// Emits {ParameterChanged}.
    function setParameter(bytes32 name, uint256 value) external;

    function getDispute(uint256 disputeId) external view returns (Dispute memory);

    function getSeat(uint256 disputeId, uint8 round, uint8 seat) external view returns (Seat memory);

    function getProposal(uint256 disputeId) external view returns (Proposal memory);

    /// @notice The fee to appeal into `round` (1 or 2): its seats' arbiter fees plus a
    /// surcharge that grows by `appealFeeGrowthBps` each round.
    function appealFee(uint256 disputeId, uint8 round) external view returns (uint256);

    /// @notice Seats of a round's panel: 1, 3, 7.
    function panelSize(uint8 round) external pure returns (uint8);

    function creditOf(address account) external view returns (uint256);

    function parameters() external view returns (CourtParams memory);

    function parameter(bytes32 name) external view returns (uint256 value, uint256 min, uint256 max);

    function governance() external view returns (address);
}
