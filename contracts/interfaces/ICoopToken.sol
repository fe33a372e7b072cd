// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/// @title RIDE, the RideCoop contribution token
/// @notice Minted only for finalized rides, by the one minter fixed at deployment.
interface ICoopToken is IERC20, IVotes {
    /// @dev `caller` tried to mint but is not the minter.
    error CoopTokenNotMinter(address caller);
    /// @dev `caller` tried to set the minter but is not the deployer that may do it once.
    error CoopTokenNotInitializer(address caller);
    /// @dev The minter was already set to `minter`; it never changes.
    error CoopTokenMinterAlreadySet(address minter);
    /// @dev The minter must be a contract address, not zero.
    error CoopTokenInvalidMinter(address minter);

    /// @notice The minter was fixed, once and for all.
    event MinterSet(address indexed minter);
    /// @notice `amount` RIDE was accrued to `account`: not minted yet (no votes), sharing revenue from now.
    event RewardAccrued(address indexed account, uint256 amount, uint256 pending);
    /// @notice `amount` of `account`'s accrued RIDE was minted to it (it now votes and transfers).
    event RewardReleased(address indexed account, uint256 amount, uint256 pending);
    /// @notice RIDE was appraised (by the market, once per reward epoch, which then prices RIDE
    /// at `ridePerToken` for the epoch): `value` is the most one whole RIDE can fetch
    /// (revenue-token units), from the weekly revenue (holders' share and treasury growth) and
    /// RIDE issued since a mark at least a week old and `shares` (RIDE minted and accrued);
    /// `ridePerToken` is the RIDE, in
    /// millionths, one whole revenue token of fee buys at most (`type(uint64).max`: unpriced).
    event Appraised(uint256 value, uint256 weeklyRevenue, uint256 weeklyIssue, uint256 shares, uint256 ridePerToken);

    /// @notice Appraises one whole RIDE given the `treasury` it has a claim on: its share of the
    /// treasury plus `VALUE_HORIZON` weeks of what flows to holders' claims (their revenue share
    /// and the treasury's growth) at the rate since a rate mark at
    /// least `MARK_SPACING` old, diluted by RIDE issued at the rate since that mark (an upper
    /// bound: see docs/TOKEN.md). Records a new mark when the newest is that old. Zero while
    /// there is no RIDE. Also returns the most RIDE, in millionths, one whole revenue token
    /// (`unit` units) buys at `ISSUE_PREMIUM_BPS` of that value: `type(uint64).max` when the
    /// value is zero (no price applies). Requirements: caller is the minter. Emits {Appraised}.
    function appraise(uint256 treasury, uint256 unit) external returns (uint256 value, uint256 ridePerToken);

    /// @notice The one address allowed to mint (the RideMarket); zero until the deploy step sets it.
    function minter() external view returns (address);

    /// @notice The hard supply cap, fixed at deployment.
    function cap() external view returns (uint256);

    /// @notice Fixes the minter. Callable once, by the deployer, during deployment.
    /// Requirements: caller is the initializer; the minter is unset; `minter_` is a contract (has code).
    /// Emits {MinterSet}.
    function setMinter(address minter_) external;

    /// @notice Mints `amount` RIDE to `to` for rides given. A recipient with no delegate is
    /// self-delegated in the same call, so earned tokens vote without a second transaction.
    /// Requirements: caller is the minter; the supply stays within the cap.
    /// Emits {Transfer}, and {DelegateChanged} on the first mint to an undelegated account.
    function mint(address to, uint256 amount) external;

    /// @notice Records a finalized ride in one call: accrues `reward` RIDE to `driver` (counted in
    /// the revenue share at once, minted later by {release}), then shares `revenue` of the
    /// revenue token over minted and accrued RIDE alike. The minter keeps those tokens (owed)
    /// and sends them with `IRevenueSource.sendRevenue`, which the token calls before it pays
    /// a claim or a sweep: a ride moves no revenue token. Either amount may be zero.
    /// Requirements: caller is the minter; minted plus accrued RIDE stays within the cap.
    /// Emits {RewardAccrued} if `reward` is non-zero and {RevenueDeposited} if `revenue` is.
    function accrue(address driver, uint256 reward, uint256 revenue) external;

    /// @notice Mints `amount` of `account`'s accrued RIDE to it. Its revenue entitlement is
    /// unchanged: accrued RIDE already earned its share. Self-delegates like {mint}.
    /// Requirements: caller is the minter; `amount` <= `pendingOf(account)`.
    /// Emits {RewardReleased} and {Transfer}.
    function release(address account, uint256 amount) external;

    /// @notice RIDE accrued to `account` and not minted yet.
    function pendingOf(address account) external view returns (uint256);

    /// @notice All RIDE accrued and not minted yet.
    function totalPending() external view returns (uint256);
}
