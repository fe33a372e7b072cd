// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title The holders' share of the cooperative's fee revenue
/// @notice Revenue deposited in the fare stablecoin is shared pro rata to RIDE balances at the
/// moment of the deposit ("points per share"): O(1) per deposit, transfer and claim.
interface IRevenueShare {
    /// @dev A zero amount was deposited or claimed.
    error RevenueZeroAmount();
    /// @dev Asked to release `requested` accrued RIDE of `account`, which has only `pending`.
    error RevenuePendingInsufficient(address account, uint256 requested, uint256 pending);
    /// @dev `caller` may not sweep; only the governance authority may.
    error RevenueNotGovernance(address caller);
    /// @dev A sweep of `requested` exceeds the `available` surplus over what holders are owed.
    error RevenueSweepExceedsSurplus(address token, uint256 requested, uint256 available);

    /// @notice `amount` of revenue arrived from `from`; `distributed` of it (with any earlier
    /// waiting revenue) was shared among holders; while less than 1 RIDE exists it waits.
    event RevenueDeposited(address indexed from, uint256 amount, uint256 distributed);
    /// @notice `holder` claimed `amount` of revenue, sent to `to`.
    event RevenueClaimed(address indexed holder, address indexed to, uint256 amount);
    /// @notice Governance swept `amount` of `token` beyond what is owed, to `to`.
    event Swept(address indexed token, address indexed to, uint256 amount);

    /// @notice The stablecoin revenue is paid in.
    function revenueToken() external view returns (IERC20);

    /// @notice Pulls `amount` of the revenue token from the caller and shares it among holders.
    /// Requirements: amount > 0; the caller approved it. Emits {RevenueDeposited}.
    function depositRevenue(uint256 amount) external;

    /// @notice Pays the caller's claimable revenue to `to`.
    /// Requirements: something is claimable. Emits {RevenueClaimed}.
    function claimRevenue(address to) external returns (uint256 amount);

    /// @notice Revenue `holder` can claim now.
    function claimableRevenue(address holder) external view returns (uint256);

    /// @notice Totals: revenue received, claimed, and waiting for holders (supply was zero).
    function revenueTotals() external view returns (uint256 deposited, uint256 claimed, uint256 waiting);

    /// @notice Sends `amount` of `token` held beyond what holders are owed to `to`.
    /// Requirements: caller is the governance authority; amount within the surplus. Emits {Swept}.
    function sweep(IERC20 token, address to, uint256 amount) external;
}
