// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

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
}
