// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BlocklistToken: a 6-decimal ERC-20 whose issuer can freeze addresses (as USDC can)
/// @notice A transfer from or to a blocked address reverts with {Blocked}. Test-only.
contract BlocklistToken is ERC20 {
    mapping(address account => bool) private _blocked;

    /// @dev `account` is on the blocklist.
    error Blocked(address account);

    constructor() ERC20("Blocklist", "BLK") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to` (test helper, no access control).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Puts `account` on or off the blocklist.
    function setBlocked(address account, bool blocked) external {
        _blocked[account] = blocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (_blocked[from]) revert Blocked(from);
        if (_blocked[to]) revert Blocked(to);
        super._update(from, to, value);
    }
}
