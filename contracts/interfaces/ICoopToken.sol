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
