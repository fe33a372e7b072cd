// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ICoopToken} from "../interfaces/ICoopToken.sol";
import {IRevenueSource} from "../interfaces/IRevenueSource.sol";
import {IRevenueShare} from "../interfaces/IRevenueShare.sol";

/// @title MockMinter: a test-only stand-in for the RideMarket as RIDE's minter
/// @notice CoopToken refuses an EOA minter, so tests set this contract and mint through it.
/// Anyone may call it: never deploy it outside a test chain.
contract MockMinter is IRevenueSource {
    using SafeERC20 for IERC20;

    ICoopToken private immutable _token;
    uint256 private _unsent;

    constructor(ICoopToken token_) {
        _token = token_;
    }

    /// @notice Forwards to `CoopToken.mint(to, amount)` with this contract as the caller.
    function mint(address to, uint256 amount) external {
        _token.mint(to, amount);
    }

    /// @notice Forwards to `CoopToken.accrue(driver, reward, revenue)`; like the market it owes
    /// the revenue from then on and sends it when the token asks, so fund it first.
    function accrue(address driver, uint256 reward, uint256 revenue) external {
        _unsent += revenue;
        _token.accrue(driver, reward, revenue);
    }

    /// @inheritdoc IRevenueSource
    function sendRevenue() external returns (uint256 amount) {
        amount = _unsent;
        if (amount == 0) return 0;
        _unsent = 0;
        emit RevenueSent(address(_token), amount);
        IRevenueShare(address(_token)).revenueToken().safeTransfer(address(_token), amount);
    }

    /// @inheritdoc IRevenueSource
    function unsentRevenue() external view returns (uint256) {
        return _unsent;
    }

    /// @notice Forwards to `CoopToken.release(account, amount)`.
    function release(address account, uint256 amount) external {
        _token.release(account, amount);
    }

    /// @notice Lets the token pull `amount` of `revenueToken` from this contract.
    function approveRevenue(IERC20 revenueToken, uint256 amount) external {
        revenueToken.approve(address(_token), amount);
    }
}
