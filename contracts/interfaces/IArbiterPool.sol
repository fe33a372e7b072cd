// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ArbiterPool: RIDE staked to be drawn as an arbiter, weighted by stake
/// @notice An arbiter's draw weight is its free stake (staked, not locked by a dispute), or 0
/// while the free stake is below `drawLock`. The court locks `drawLock` of a drawn arbiter's
/// stake until the dispute ends, and slashes `slashBps` of that lock from a silent arbiter.
interface IArbiterPool {
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
