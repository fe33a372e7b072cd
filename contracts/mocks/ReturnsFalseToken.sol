// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReturnsFalseToken: a 6-decimal ERC-20 that returns false instead of reverting
/// @notice Like some early stablecoins, a failed `transfer` or `transferFrom` (short balance,
/// short allowance, or every transfer once `setFailing(true)`) returns false and moves nothing.
/// A caller that ignores the return value would believe it was paid. Test-only.
contract ReturnsFalseToken is ERC20 {
    bool private _failing;

    constructor() ERC20("Returns False", "RFT") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to` (test helper, no access control).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice When `failing`, every transfer returns false.
    function setFailing(bool failing) external {
        _failing = failing;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (_failing || balanceOf(_msgSender()) < value) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (_failing || balanceOf(from) < value || allowance(from, _msgSender()) < value) return false;
        return super.transferFrom(from, to, value);
    }
}
