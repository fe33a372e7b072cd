// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IArbiterPool} from "../interfaces/IArbiterPool.sol";
import {IRandomness} from "../interfaces/IRandomness.sol";
import {IRevenueShare} from "../interfaces/IRevenueShare.sol";
import {SortitionSumTree} from "../libraries/SortitionSumTree.sol";

/// @title ArbiterPool
/// @notice RIDE holders stake to be drawn as arbiters, weighted by free stake through a sum
/// tree: stake, unstake, lock, slash and draw cost O(log n) whatever the number of arbiters.
/// @dev The pool holds RIDE, and RIDE carries a revenue share: the share earned by the staked
/// tokens accrues to the pool, and `harvestRevenue` sends it to the treasury (governance).
/// Staked RIDE does not vote (the pool never delegates).
contract ArbiterPool is ERC2771Context, ReentrancyGuardTransient, IArbiterPool {
    using SafeERC20 for IERC20;
    using SortitionSumTree for SortitionSumTree.Tree;

    uint256 private constant _BPS = 10_000;
    bytes32 private constant _DRAW_LOCK = "drawLock";
    bytes32 private constant _SLASH_BPS = "slashBps";
    bytes32 private constant _UNSTAKE_COOLDOWN = "unstakeCooldown";
    /// @notice Least time in Staking before the tree may freeze again (stake changes land).
    uint256 public constant MIN_STAKING_TIME = 1 hours;
    /// @notice Longest wait for an epoch's random value before the epoch is abandoned.
    uint256 public constant MAX_GENERATING_TIME = 1 days;
    /// @notice Longest Drawing phase: disputes not drawn by then count a failed draw.
    uint256 public constant MAX_DRAWING_TIME = 1 days;
    /// @notice Expired randomness requests renewed per epoch before it is abandoned.
    uint8 public constant MAX_RENEWALS = 3;

    IERC20 private immutable _rideToken;
    IRandomness private immutable _randomness;
    address private immutable _governance;
    address private immutable _initializer;
    address private _court;

    PoolParams private _params;
    SortitionSumTree.Tree private _tree;
    mapping(address arbiter => Arbiter) private _arbiters;
    mapping(address account => uint256) private _credits;
    PhaseState private _phase;
    uint256 private _members;
    mapping(uint64 epoch => uint256) private _drawsDue;
    mapping(uint64 epoch => uint256) private _seeds;

    modifier onlyCourt() {
        if (_msgSender() != _court) revert NotCourt(_msgSender());
        _;
    }

    /// @param rideToken_ RIDE (an ERC-20 with the RevenueShare extension).
    /// @param randomness_ The source of each epoch's random value.
    /// @param governance_ The timelock: parameters, and the treasury for harvested revenue.
    /// @param params_ Initial parameters, each checked against its hard bound.
    /// @param trustedForwarder_ The suite's ERC-2771 forwarder: a request it relays acts as its signer.
    constructor(
        IERC20 rideToken_,
        IRandomness randomness_,
        address governance_,
        PoolParams memory params_,
        address trustedForwarder_
    ) ERC2771Context(trustedForwarder_) {
        _rideToken = rideToken_;
        _randomness = randomness_;
        _phase.startedAt = uint40(block.timestamp);
        _governance = governance_;
        _initializer = _msgSender();
        _set(_DRAW_LOCK, params_.drawLock);
        _set(_SLASH_BPS, params_.slashBps);
        _set(_UNSTAKE_COOLDOWN, params_.unstakeCooldown);
    }

    /// @inheritdoc IArbiterPool
    function setCourt(address court_) external {
        if (_msgSender() != _initializer) revert NotInitializer(_msgSender());
        if (_court != address(0)) revert CourtAlreadySet(_court);
        _court = court_;
        emit CourtSet(court_);
    }

    // ================================================================ arbiters

    /// @inheritdoc IArbiterPool
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Arbiter storage a = _arbiters[_msgSender()];
        uint256 newStake = a.stake + amount;
        if (newStake > type(uint96).max) revert StakeTooLarge(_msgSender(), newStake);
        a.stake = uint96(newStake);
        _updateWeight(_msgSender(), a);
        emit Staked(_msgSender(), amount, newStake);
        _rideToken.safeTransferFrom(_msgSender(), address(this), amount);
    }

    /// @inheritdoc IArbiterPool
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        Arbiter storage a = _arbiters[_msgSender()];
        uint256 free = a.stake - a.locked;
        if (amount > free) revert StakeLocked(_msgSender(), amount, free);
        // Both fit: amount <= stake < 2^96, and unstaking + amount <= total RIDE held < 2^96.
        a.stake -= uint96(amount);
        a.unstaking += uint96(amount);
        uint256 availableAt = block.timestamp + _params.unstakeCooldown;
        a.unstakeAt = uint40(availableAt);
        _updateWeight(_msgSender(), a);
        emit UnstakeRequested(_msgSender(), amount, a.stake, availableAt);
    }

    /// @inheritdoc IArbiterPool
    function withdrawUnstaked(address to) external nonReentrant returns (uint256 amount) {
        Arbiter storage a = _arbiters[_msgSender()];
        amount = a.unstaking;
        if (amount == 0) revert NothingUnstaking(_msgSender());
        if (block.timestamp < a.unstakeAt) revert UnstakeCoolingDown(_msgSender(), a.unstakeAt);
        a.unstaking = 0;
        emit Unstaked(_msgSender(), to, amount);
        _rideToken.safeTransfer(to, amount);
    }

    /// @inheritdoc IArbiterPool
    function claimCredit(address to) external nonReentrant returns (uint256 amount) {
        amount = _credits[_msgSender()];
        if (amount == 0) revert NothingToClaim(_msgSender());
        _credits[_msgSender()] = 0;
        emit CreditClaimed(_msgSender(), to, amount);
        _rideToken.safeTransfer(to, amount);
    }

    /// @inheritdoc IArbiterPool
    function harvestRevenue() external nonReentrant returns (uint256 amount) {
        // RevenueShare reverts with RevenueZeroAmount when nothing is claimable.
        amount = IRevenueShare(address(_rideToken)).claimRevenue(_governance);
        emit RevenueHarvested(_governance, amount);
    }

    // ================================================================ court

    // ================================================================ phases

    /// @inheritdoc IArbiterPool
    function passPhase() external {
        PhaseState memory p = _phase;
        if (p.phase == Phase.Staking) {
            uint256 readyAt = uint256(p.startedAt) + MIN_STAKING_TIME;
            uint64 next = p.epoch + 1;
            if (_drawsDue[next] == 0) revert PhaseNotPassable(p.phase, p.epoch, 0);
            if (block.timestamp < readyAt) revert PhaseNotPassable(p.phase, p.epoch, readyAt);
            _enter(Phase.Generating, next);
            _requestRandomness(next, 0);
        } else if (p.phase == Phase.Generating) {
            IRandomness.Status st = _randomness.status(p.requestId);
            if (st == IRandomness.Status.Ready) {
                _seeds[p.epoch] = _randomness.randomness(p.requestId);
                _enter(Phase.Drawing, p.epoch);
            } else if (st == IRandomness.Status.Expired && p.renewals < MAX_RENEWALS) {
                _requestRandomness(p.epoch, p.renewals + 1);
            } else {
                uint256 readyAt = uint256(p.startedAt) + MAX_GENERATING_TIME;
                if (st != IRandomness.Status.Expired && block.timestamp <= readyAt) {
                    revert PhaseNotPassable(p.phase, p.epoch, readyAt + 1);
                }
                emit EpochAbandoned(p.epoch, p.renewals);
                _enter(Phase.Staking, p.epoch);
            }
        } else {
            uint256 readyAt = uint256(p.startedAt) + MAX_DRAWING_TIME;
            if (_drawsDue[p.epoch] != 0 && block.timestamp <= readyAt) {
                revert PhaseNotPassable(p.phase, p.epoch, readyAt + 1);
            }
            _enter(Phase.Staking, p.epoch);
        }
    }

    /// @inheritdoc IArbiterPool
    function applyDelayed(address arbiter) external {
        if (_phase.phase != Phase.Staking) revert WrongPhase(_phase.phase, Phase.Staking);
        Arbiter storage a = _arbiters[arbiter];
        uint256 weight = _weightFor(a);
        if (weight == _tree.weightOf(arbiter)) revert NothingDelayed(arbiter);
        _setWeight(arbiter, weight);
    }

    /// @inheritdoc IArbiterPool
    function queueDraw() external onlyCourt returns (uint64 epoch) {
        epoch = _phase.epoch + 1;
        uint256 due = _drawsDue[epoch] + 1;
        _drawsDue[epoch] = due;
        emit DrawQueued(epoch, due);
    }

    /// @inheritdoc IArbiterPool
    function unqueueDraw(uint64 epoch) external onlyCourt {
        uint256 due = _drawsDue[epoch];
        if (due == 0) return;
        _drawsDue[epoch] = due - 1;
        emit DrawUnqueued(epoch, due - 1);
    }

    /// @inheritdoc IArbiterPool
    function drawPanel(
        uint64 epoch,
        uint256 seed,
        address[] calldata excluded,
        uint256 count
    ) external onlyCourt returns (address[] memory drawn) {
        if (_phase.phase != Phase.Drawing) revert WrongPhase(_phase.phase, Phase.Drawing);
        if (epoch != _phase.epoch) revert EpochNotDrawing(epoch, _phase.epoch);
        _drawsDue[epoch] -= 1; // the court draws only disputes it queued for this epoch
        // Mask the ineligible leaves, draw distinct members (each masked once drawn), restore:
        // the tree is exactly as it was, and no try is spent on an ineligible account.
        uint256 n = excluded.length;
        uint256[] memory masked = new uint256[](n + count);
        for (uint256 i = 0; i < n; ++i) masked[i] = _tree.mask(excluded[i]);
        address[] memory picks = new address[](count);
        uint256 seated;
        while (seated < count && _tree.total() != 0) {
            address picked = _tree.draw(uint256(keccak256(abi.encode(seed, seated))));
            picks[seated] = picked;
            masked[n + seated] = _tree.mask(picked);
            ++seated;
        }
        drawn = new address[](seated);
        for (uint256 i = 0; i < seated; ++i) {
            drawn[i] = picks[i];
            _tree.unmask(picks[i], masked[n + i]);
        }
        for (uint256 i = 0; i < n; ++i) _tree.unmask(excluded[i], masked[i]);
    }

    // ================================================================ court

    /// @inheritdoc IArbiterPool
    function lock(address arbiter) external onlyCourt returns (uint256 amount) {
        Arbiter storage a = _arbiters[arbiter];
        uint256 free = a.stake - a.locked;
        amount = free < _params.drawLock ? free : _params.drawLock;
        a.locked += uint96(amount); // locked + amount <= stake < 2^96
        _updateWeight(arbiter, a);
        emit StakeLockedForDispute(arbiter, amount, a.locked);
    }

    /// @inheritdoc IArbiterPool
    function unlock(address arbiter, uint256 amount) external onlyCourt {
        Arbiter storage a = _arbiters[arbiter];
        a.locked -= uint96(amount); // the court unlocks only what `lock` returned
        _updateWeight(arbiter, a);
        emit StakeUnlocked(arbiter, amount, a.locked);
    }

    /// @inheritdoc IArbiterPool
    function slash(
        address arbiter,
        uint256 lockedAmount,
        address rider,
        address driver
    ) external onlyCourt returns (uint256 slashed) {
        Arbiter storage a = _arbiters[arbiter];
        slashed = (lockedAmount * _params.slashBps) / _BPS;
        // lockedAmount was locked by `lock`, so it is <= locked <= stake; slashed <= lockedAmount.
        a.locked -= uint96(lockedAmount);
        a.stake -= uint96(slashed);
        _updateWeight(arbiter, a);
        emit StakeUnlocked(arbiter, lockedAmount, a.locked);
        emit Slashed(arbiter, slashed, rider, driver);
        uint256 toRider = slashed / 2;
        if (toRider != 0) _credit(rider, toRider);
        if (slashed - toRider != 0) _credit(driver, slashed - toRider);
    }

    // ================================================================ governance

    /// @inheritdoc IArbiterPool
    function setParameter(bytes32 name, uint256 value) external {
        if (_msgSender() != _governance) revert NotGovernance(_msgSender());
        _set(name, value);
    }

    // ================================================================ views

    /// @inheritdoc IArbiterPool
    function draw(uint256 random) external view returns (address) {
        if (_tree.total() == 0) return address(0);
        return _tree.draw(random);
    }

    /// @inheritdoc IArbiterPool
    function eligibleCount(address[] calldata excluded) external view returns (uint256 count) {
        count = _members;
        for (uint256 i = 0; i < excluded.length; ++i) {
            // A repeated account is counted once: only its first occurrence subtracts.
            if (_tree.weightOf(excluded[i]) == 0) continue;
            bool seen;
            for (uint256 j = 0; j < i; ++j) if (excluded[j] == excluded[i]) seen = true;
            if (!seen) --count;
        }
    }

    /// @inheritdoc IArbiterPool
    function drawsDue(uint64 epoch) external view returns (uint256) {
        return _drawsDue[epoch];
    }

    /// @inheritdoc IArbiterPool
    function phaseState() external view returns (PhaseState memory) {
        return _phase;
    }

    /// @inheritdoc IArbiterPool
    function epochSeed(uint64 epoch) external view returns (uint256) {
        return _seeds[epoch];
    }

    /// @inheritdoc IArbiterPool
    function randomnessSource() external view returns (IRandomness) {
        return _randomness;
    }

    /// @inheritdoc IArbiterPool
    function arbiterOf(address arbiter) external view returns (Arbiter memory) {
        return _arbiters[arbiter];
    }

    /// @inheritdoc IArbiterPool
    function weightOf(address arbiter) external view returns (uint256 weight, uint256 total) {
        return (_tree.weightOf(arbiter), _tree.total());
    }

    /// @inheritdoc IArbiterPool
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IArbiterPool
    function parameters() external view returns (PoolParams memory) {
        return _params;
    }

    /// @inheritdoc IArbiterPool
    function parameter(bytes32 name) external view returns (uint256 value, uint256 min, uint256 max) {
        (min, max) = _bounds(name);
        value = _get(name);
    }

    /// @inheritdoc IArbiterPool
    function court() external view returns (address) {
        return _court;
    }

    /// @inheritdoc IArbiterPool
    function governance() external view returns (address) {
        return _governance;
    }

    // ================================================================ internals

    /// @dev Draw weight = free stake, or 0 below `drawLock`. Written to the tree only while
    /// Staking; while the tree is frozen the change waits for `applyDelayed`.
    function _updateWeight(address arbiter, Arbiter storage a) private {
        uint256 weight = _weightFor(a);
        if (_phase.phase == Phase.Staking) _setWeight(arbiter, weight);
        else emit StakeChangeDelayed(arbiter, _tree.weightOf(arbiter));
    }

    function _weightFor(Arbiter storage a) private view returns (uint256) {
        uint256 free = a.stake - a.locked;
        return free >= _params.drawLock ? free : 0;
    }

    function _setWeight(address arbiter, uint256 weight) private {
        uint256 old = _tree.weightOf(arbiter);
        if (old == weight) return;
        if (old == 0) ++_members;
        else if (weight == 0) --_members;
        _tree.set(arbiter, weight);
        emit WeightSet(arbiter, weight);
    }

    function _enter(Phase phase, uint64 epoch) private {
        _phase.phase = phase;
        _phase.epoch = epoch;
        _phase.startedAt = uint40(block.timestamp);
        emit PhasePassed(phase, epoch);
    }

    function _requestRandomness(uint64 epoch, uint8 renewals) private {
        uint256 requestId = _randomness.request();
        _phase.requestId = uint64(requestId);
        _phase.renewals = renewals;
        emit EpochRandomnessRequested(epoch, requestId, renewals);
    }

    function _credit(address to, uint256 amount) private {
        uint256 balance = _credits[to] + amount;
        _credits[to] = balance;
        emit Credited(to, amount, balance);
    }

    function _bounds(bytes32 name) private pure returns (uint256 min, uint256 max) {
        if (name == _DRAW_LOCK) return (1e18, 4_000e18); // fits a seat's uint72
        if (name == _SLASH_BPS) return (100, _BPS);
        if (name == _UNSTAKE_COOLDOWN) return (1 days, 30 days);
        revert ParameterUnknown(name);
    }

    function _get(bytes32 name) private view returns (uint256) {
        if (name == _DRAW_LOCK) return _params.drawLock;
        if (name == _SLASH_BPS) return _params.slashBps;
        return _params.unstakeCooldown; // _bounds rejected unknown names first
    }

    /// @dev The narrowing casts are safe: every max fits its field.
    function _set(bytes32 name, uint256 value) private {
        (uint256 min, uint256 max) = _bounds(name);
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
        uint256 old = _get(name);
        if (name == _DRAW_LOCK) _params.drawLock = uint96(value);
        else if (name == _SLASH_BPS) _params.slashBps = uint16(value);
        else _params.unstakeCooldown = uint32(value);
        emit ParameterChanged(name, old, value);
    }
}
