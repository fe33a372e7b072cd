// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IRevenueShare} from "../interfaces/IRevenueShare.sol";

/// @title RevenueShare: pro-rata fee revenue for the holders of an ERC-20
/// @notice The "points per share" method. A deposit raises a scaled accumulator; each account's
/// share is `accumulator * balance + correction`, and `_update` adjusts the corrections of the
/// two accounts a transfer touches, so that a balance earns only from deposits made while it
/// was held. Deposit, transfer and claim are O(1) whatever the number of holders.
/// @dev Rounding: every share is rounded down, so the sum paid never exceeds what was
/// deposited; the remainder (at most a few units per deposit) stays owed and is never swept.
abstract contract RevenueShare is ERC20, ReentrancyGuardTransient, IRevenueShare {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev 2^96 keeps precision (loss < 1 unit per deposit at any realistic supply) while
    /// `accumulator * balance` fits an int256 for cumulative deposits up to ~7e20 units even
    /// at a one-wei supply; SafeCast reverts rather than wraps beyond that.
    uint256 private constant _MAGNITUDE = 2 ** 96;
    /// @dev Revenue waits while fewer than 1 RIDE exists: sharing a deposit over a few wei of
    /// supply would push the accumulator toward overflow for an 18-decimal revenue token.
    uint256 private constant _MIN_SHARING_SUPPLY = 1e18;

    IERC20 private immutable _revenueToken;
    address private immutable _governance;

    /// @dev One slot per account: revenue claimed, and RIDE accrued by the minter and not
    /// minted yet (it shares revenue like a balance). Packed so that accruing to a driver who
    /// claimed its RIDE rewrites a non-zero slot rather than filling an empty one.
    struct Holder {
        uint128 claimed;
        uint128 pending;
    }

    /// @dev One slot: all revenue deposited, and all RIDE accrued and not minted; both change
    /// together at each ride's finalization.
    struct Totals {
        uint128 deposited;
        uint128 pending;
    }

    uint256 private _pointsPerShare;
    mapping(address account => int256) private _corrections;
    mapping(address account => Holder) private _holders;
    Totals private _totals;
    uint256 private _totalClaimed;
    uint256 private _waiting;

    constructor(IERC20 revenueToken_, address governance_) {
        _revenueToken = revenueToken_;
        _governance = governance_;
    }

    /// @inheritdoc IRevenueShare
    function revenueToken() external view returns (IERC20) {
        return _revenueToken;
    }

    /// @notice The authority allowed to sweep surplus tokens (the timelock).
    function governance() external view returns (address) {
        return _governance;
    }

    /// @inheritdoc IRevenueShare
    function depositRevenue(uint256 amount) external nonReentrant {
        _depositRevenue(amount);
    }

    /// @inheritdoc IRevenueShare
    function claimRevenue(address to) external nonReentrant returns (uint256 amount) {
        _collectRevenue();
        address holder = _msgSender();
        amount = _claimable(holder);
        if (amount == 0) revert RevenueZeroAmount();
        _holders[holder].claimed += amount.toUint128();
        _totalClaimed += amount;
        emit RevenueClaimed(holder, to, amount);
        _revenueToken.safeTransfer(to, amount);
    }

    /// @inheritdoc IRevenueShare
    function claimableRevenue(address holder) external view returns (uint256) {
        return _claimable(holder);
    }

    /// @inheritdoc IRevenueShare
    function revenueTotals() external view returns (uint256 deposited, uint256 claimed, uint256 waiting) {
        return (_totals.deposited, _totalClaimed, _waiting);
    }

    /// @inheritdoc IRevenueShare
    function sweep(IERC20 token, address to, uint256 amount) external nonReentrant {
        if (_msgSender() != _governance) revert RevenueNotGovernance(_msgSender());
        _collectRevenue();
        uint256 owed = token == _revenueToken ? _totals.deposited - _totalClaimed : 0;
        uint256 available = token.balanceOf(address(this)) - owed;
        if (amount > available) revert RevenueSweepExceedsSurplus(address(token), amount, available);
        emit Swept(address(token), to, amount);
        token.safeTransfer(to, amount);
    }

    /// @dev Pulls `amount` from the caller and shares what arrived over minted and accrued RIDE.
    function _depositRevenue(uint256 amount) internal {
        if (amount == 0) revert RevenueZeroAmount();
        uint256 before = _revenueToken.balanceOf(address(this));
        _revenueToken.safeTransferFrom(_msgSender(), address(this), amount);
        // Credit what actually arrived (a fee-on-transfer token delivers less).
        _shareRevenue(_revenueToken.balanceOf(address(this)) - before);
    }

    /// @dev Shares `received` over minted and accrued RIDE. The tokens are here already, or
    /// (for the minter's per-ride revenue) owed by the minter and collected by `_collectRevenue`
    /// before any claim or sweep pays out.
    function _shareRevenue(uint256 received) internal {
        Totals memory totals = _totals;
        _totals.deposited = (totals.deposited + received).toUint128();

        // Accrued RIDE counts: a driver who has not claimed yet earns as if it had.
        uint256 supply = totalSupply() + totals.pending;
        uint256 distributed;
        if (supply < _MIN_SHARING_SUPPLY) {
            _waiting += received;
        } else {
            uint256 points = _pointsPerShare;
            distributed = received;
            // Revenue waits only before the first share: RIDE is never burned, so once the
            // supply reached the minimum it stays there and `_waiting` stays empty.
            if (points == 0) {
                distributed += _waiting;
                _waiting = 0;
            }
            _pointsPerShare = points + (distributed * _MAGNITUDE) / supply;
        }
        emit RevenueDeposited(_msgSender(), received, distributed);
    }

    /// @dev Brings in revenue that was shared but is still held elsewhere (the minter's); called
    /// before a claim or a sweep pays out. None by default.
    function _collectRevenue() internal virtual {}

    /// @dev Counts `amount` not-yet-minted RIDE for `account`, earning from now on.
    function _addPending(address account, uint256 amount) internal returns (uint256 pending) {
        Holder storage h = _holders[account];
        pending = h.pending + amount;
        h.pending = pending.toUint128();
        _totals.pending += amount.toUint128();
        _corrections[account] -= (_pointsPerShare * amount).toInt256();
    }

    /// @dev Turns `amount` pending RIDE of `account` into balance; its points are unchanged
    /// (the correction added here is the one the mint's `_update` subtracts again).
    function _releasePending(address account, uint256 amount) internal returns (uint256 pending) {
        Holder storage h = _holders[account];
        uint256 had = h.pending;
        if (amount > had) revert RevenuePendingInsufficient(account, amount, had);
        pending = had - amount;
        h.pending = uint128(pending);
        _totals.pending -= uint128(amount);
        _corrections[account] += (_pointsPerShare * amount).toInt256();
    }

    /// @dev All revenue shared so far.
    function _revenueDeposited() internal view returns (uint256) {
        return _totals.deposited;
    }

    /// @dev RIDE accrued and not minted, in total.
    function _pendingTotal() internal view returns (uint256) {
        return _totals.pending;
    }

    /// @dev RIDE accrued to `account` and not minted.
    function _pendingOf(address account) internal view returns (uint256) {
        return _holders[account].pending;
    }

    function _claimable(address holder) private view returns (uint256) {
        Holder memory h = _holders[holder];
        uint256 shares = balanceOf(holder) + h.pending;
        int256 points = (_pointsPerShare * shares).toInt256() + _corrections[holder];
        // Corrections never make an account's points negative: they only remove what was
        // accrued on tokens the account no longer holds, or add what it had before receiving.
        return uint256(points) / _MAGNITUDE - h.claimed;
    }

    /// @dev Moves the points that `value` carries, so each side keeps what it accrued so far.
    function _update(address from, address to, uint256 value) internal virtual override {
        super._update(from, to, value);
        int256 points = (_pointsPerShare * value).toInt256();
        if (from != address(0)) _corrections[from] += points;
        if (to != address(0)) _corrections[to] -= points;
    }
}
