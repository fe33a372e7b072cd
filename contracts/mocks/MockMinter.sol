// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICoopToken} from "../interfaces/ICoopToken.sol";

/// @title MockMinter: a test-only stand-in for the RideMarket as RIDE's minter
/// @notice CoopToken refuses an EOA minter, so tests set this contract and mint through it.
/// Anyone may call it: never deploy it outside a test chain.
contract MockMinter {
    ICoopToken private immutable _token;

    constructor(ICoopToken token_) {
        _token = token_;
    }

    /// @notice Forwards to `CoopToken.mint(to, amount)` with this contract as the caller.
    function mint(address to, uint256 amount) external {
        _token.mint(to, amount);
    }

    /// @notice Forwards to `CoopToken.accrue(driver, reward, revenue)`; the revenue is pulled
    /// from this contract, so fund and approve it first (`approveRevenue`).
    function accrue(address driver, uint256 reward, uint256 revenue) external {
        _token.accrue(driver, reward, revenue);
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
