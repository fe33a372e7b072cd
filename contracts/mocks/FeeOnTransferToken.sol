// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferToken: a 6-decimal ERC-20 that burns a fee on every transfer
/// @notice The recipient of `value` receives `value - value * feeBps / 10_000` (rounded down
/// fee); mints and burns are exact. Test-only.
contract FeeOnTransferToken is ERC20 {
    uint256 private _feeBps = 100;

    constructor() ERC20("Fee On Transfer", "FOT") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to` (test helper, no access control).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Sets the fee in basis points (0 turns it off).
    function setFeeBps(uint256 feeBps) external {
        _feeBps = feeBps;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = (value * _feeBps) / 10_000;
        super._update(from, to, value - fee);
        if (fee != 0) super._update(from, address(0), fee);
    }
}
