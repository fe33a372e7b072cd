// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomness} from "./IRandomness.sol";

/// @title ArbiterPool: RIDE staked to be drawn as an arbiter, weighted by stake
/// @notice An arbiter's draw weight is its free stake (staked, not locked by a dispute), or 0
/// while the free stake is below `drawLock`. The court locks `drawLock` of a drawn arbiter's
/// stake until the dispute ends, and slashes `slashBps` of that lock from a silent arbiter.
/// The pool moves through phases (docs/DISPUTES.md): Staking (the tree follows every stake
/// change), Generating (the tree is frozen and one random value is requested for the epoch),
/// Drawing (the epoch's disputes draw from the frozen tree), back to Staking. A stake change
/// made while the tree is frozen is recorded and reaches the tree by `applyDelayed` in a
/// later Staking phase, so no draw can read weights chosen after its random value was known.
interface IArbiterPool {
    /// @notice Where the pool stands.
    enum Phase {
        Staking,
        Generating,
        Drawing
    }

    /// @notice The phase state, one slot: phase (1) + epoch (8) + phase start (5) + renewals
    /// (1) + the epoch's randomness request (8).
    struct PhaseState {
        Phase phase;
        uint64 epoch;
        uint40 startedAt;
        uint8 renewals;
        uint64 requestId;
    }

    /// @notice One arbiter, one slot: stake (12) + locked (12) + unstake available at (5).
    /// Plus a second slot for stake asked back and waiting for the cooldown.
    struct Arbiter {
        uint96 stake;
        uint96 locked;
        uint40 unstakeAt;
        uint96 unstaking;
    }

    /// @notice The governed parameters, one slot.
    struct PoolParams {
        uint96 drawLock; // RIDE locked per seat a drawn arbiter takes; also the least drawable free stake
        uint16 slashBps; // of the lock, taken from a silent arbiter
        uint32 unstakeCooldown; // seconds between asking stake back and withdrawing it
    }

    error ZeroAmount();
    error NotCourt(address caller);
    error NotGovernance(address caller);
    error NotInitializer(address caller);
    error CourtAlreadySet(address court);
    /// @dev `requested` exceeds the `free` (unlocked) stake of `arbiter`.
    error StakeLocked(address arbiter, uint256 requested, uint256 free);
    /// @dev The stake exceeds what one account may stake (2^96 - 1).
    error StakeTooLarge(address arbiter, uint256 stake);
    error NothingUnstaking(address arbiter);
    error UnstakeCoolingDown(address arbiter, uint256 availableAt);
    error NothingToClaim(address account);
    error ParameterUnknown(bytes32 name);
    error ParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);
    /// @dev `passPhase` was called before the phase may end: at `readyAt` (0: never, nothing due).
    error PhaseNotPassable(Phase phase, uint64 epoch, uint256 readyAt);
    /// @dev The call needs the pool in `expected`; it is in `current`.
    error WrongPhase(Phase current, Phase expected);
    /// @dev `arbiter`'s draw weight already matches its stake: nothing is delayed.
    error NothingDelayed(address arbiter);
    /// @dev The court drew for `epoch`, which is not the epoch now Drawing (`current`).
    error EpochNotDrawing(uint64 epoch, uint64 current);

    /// @notice The pool entered `phase` in `epoch`.
    event PhasePassed(Phase indexed phase, uint64 indexed epoch);
    /// @notice `epoch`'s random value was requested (`requestId`); `renewals` so far.
    event EpochRandomnessRequested(uint64 indexed epoch, uint256 requestId, uint8 renewals);
    /// @notice `epoch` ended without a random value (deadline or renewals used up): its
    /// disputes count a failed draw.
    event EpochAbandoned(uint64 indexed epoch, uint8 renewals);
    /// @notice `arbiter`'s stake changed while the tree was frozen: its draw weight stays
    /// `weight` until `applyDelayed` in a Staking phase.
    event StakeChangeDelayed(address indexed arbiter, uint256 weight);
    /// @notice `arbiter`'s draw weight is now `weight`.
    event WeightSet(address indexed arbiter, uint256 weight);
    /// @notice The court queued a draw for `epoch` (`due` draws queued for it).
    event DrawQueued(uint64 indexed epoch, uint256 due);
    /// @notice A queued draw for `epoch` is no longer needed (its dispute ended); `due` left.
    event DrawUnqueued(uint64 indexed epoch, uint256 due);

    event Staked(address indexed arbiter, uint256 amount, uint256 stake);
    event UnstakeRequested(address indexed arbiter, uint256 amount, uint256 stake, uint256 availableAt);
    event Unstaked(address indexed arbiter, address indexed to, uint256 amount);
    event StakeLockedForDispute(address indexed arbiter, uint256 amount, uint256 locked);
    event StakeUnlocked(address indexed arbiter, uint256 amount, uint256 locked);
    /// @notice `amount` of a silent arbiter's stake went to the dispute's parties as credits.
    event Slashed(address indexed arbiter, uint256 amount, address indexed rider, address indexed driver);
    event Credited(address indexed account, uint256 amount, uint256 balance);
    event CreditClaimed(address indexed account, address indexed to, uint256 amount);
    /// @notice The pool's own fee share (RIDE revenue share) went to the treasury.
    event RevenueHarvested(address indexed treasury, uint256 amount);
    event ParameterChanged(bytes32 indexed name, uint256 oldValue, uint256 newValue);
    event CourtSet(address indexed court);

    /// @notice Fixes the court. Callable once, by the deployer.
    /// Requirements: caller is the deployer; the court is unset. Emits {CourtSet}.
    function setCourt(address court_) external;

    /// @notice Stakes `amount` RIDE (approve first); the draw weight grows at once.
    /// Requirements: amount > 0; stake stays below 2^96. Emits {Staked}.
    function stake(uint256 amount) external;

    /// @notice Asks `amount` of the free stake back: it leaves the draw at once and can be
    /// withdrawn after the cooldown (a new request restarts the cooldown for the whole amount).
    /// Requirements: 0 < amount <= free stake. Emits {UnstakeRequested}.
    function requestUnstake(uint256 amount) external;

    /// @notice Sends the stake asked back to `to`.
    /// Requirements: something unstaking; the cooldown passed. Emits {Unstaked}.
    function withdrawUnstaked(address to) external returns (uint256 amount);

    /// @notice Sends the caller's RIDE credits (slashes received as a party) to `to`.
    /// Requirements: a non-zero credit. Emits {CreditClaimed}.
    function claimCredit(address to) external returns (uint256 amount);

    /// @notice Anyone sends the pool's accrued fee share to the treasury (the governance address):
    /// the staked RIDE is the arbiters', but its revenue share is not paid to them.
    /// Requirements: something claimable. Emits {RevenueHarvested}.
    function harvestRevenue() external returns (uint256 amount);

    /// @notice Locks up to `drawLock` of `arbiter`'s free stake for a dispute; returns the amount.
    /// Requirements: caller is the court. Emits {StakeLockedForDispute}.
    function lock(address arbiter) external returns (uint256 amount);

    /// @notice Releases `amount` of `arbiter`'s locked stake.
    /// Requirements: caller is the court; amount <= locked. Emits {StakeUnlocked}.
    function unlock(address arbiter, uint256 amount) external;

    /// @notice Releases a silent arbiter's `lockedAmount` and takes `slashBps` of it, credited
    /// half to `rider`, the rest to `driver`; returns the amount slashed.
    /// Requirements: caller is the court. Emits {StakeUnlocked}, {Slashed}, {Credited}.
    function slash(address arbiter, uint256 lockedAmount, address rider, address driver) external returns (uint256);

    /// @notice Governance sets "drawLock", "slashBps" or "unstakeCooldown" within hard bounds.
    /// Requirements: caller is governance; known name; min <= value <= max. Emits {ParameterChanged}.
    function setParameter(bytes32 name, uint256 value) external;

    /// @notice Anyone moves the phase on: Staking -> Generating after `MIN_STAKING_TIME` when a
    /// draw is queued for the next epoch (requests its randomness); Generating -> Drawing when
    /// the value is Ready, renewing an Expired request at most `MAX_RENEWALS` times, back to
    /// Staking (epoch abandoned) past the renewals or `MAX_GENERATING_TIME`; Drawing ->
    /// Staking when the epoch's draws are done or after `MAX_DRAWING_TIME`.
    /// Emits {PhasePassed}, {EpochRandomnessRequested} or {EpochAbandoned}.
    function passPhase() external;

    /// @notice Anyone writes `arbiter`'s delayed stake change into the tree.
    /// Requirements: Staking phase; the weight is stale. Emits {WeightSet}.
    function applyDelayed(address arbiter) external;

    /// @notice The court queues one draw; returns the epoch whose randomness will serve it (the
    /// next one to be requested). Requirements: caller is the court. Emits {DrawQueued}.
    function queueDraw() external returns (uint64 epoch);

    /// @notice The court drops a draw it queued for `epoch` (the dispute ended first), so the
    /// Drawing phase does not wait for it. Requirements: caller is the court. Emits {DrawUnqueued}.
    function unqueueDraw(uint64 epoch) external;

    /// @notice The court draws `count` distinct arbiters for one panel from the frozen tree of
    /// `epoch` (Drawing), seeded by `seed`; `excluded` accounts (parties, seated arbiters) are
    /// masked out for the call and restored before it returns. Returns fewer than `count`
    /// when eligible weight runs out. Requirements: caller is the court; `epoch` is Drawing.
    function drawPanel(
        uint64 epoch,
        uint256 seed,
        address[] calldata excluded,
        uint256 count
    ) external returns (address[] memory drawn);

    /// @notice How many accounts other than `excluded` hold draw weight now.
    function eligibleCount(address[] calldata excluded) external view returns (uint256);

    /// @notice Draws queued for `epoch` and not yet made.
    function drawsDue(uint64 epoch) external view returns (uint256);

    /// @notice The phase state.
    function phaseState() external view returns (PhaseState memory);

    /// @notice `epoch`'s random value (0 until the epoch reached Drawing).
    function epochSeed(uint64 epoch) external view returns (uint256);

    /// @notice The randomness source.
    function randomnessSource() external view returns (IRandomness);

    /// @notice The arbiter drawn by `random`, weighted by draw weight; zero when nobody is drawable.
    function draw(uint256 random) external view returns (address);

    function arbiterOf(address arbiter) external view returns (Arbiter memory);

    /// @notice `arbiter`'s current draw weight and the total of all weights.
    function weightOf(address arbiter) external view returns (uint256 weight, uint256 total);

    function creditOf(address account) external view returns (uint256);

    function parameters() external view returns (PoolParams memory);

    function parameter(bytes32 name) external view returns (uint256 value, uint256 min, uint256 max);

    function court() external view returns (address);

    function governance() external view returns (address);
}
