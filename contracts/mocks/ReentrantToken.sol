// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title ReentrantToken: a 6-decimal ERC-20 that calls back into a target during a transfer
/// @notice Arm it with `arm(target, data)`: the next transfer (not mint or burn) calls
/// `target` with `data`, from this token's address, after the balances moved, and bubbles any
/// revert. The hook disarms itself first, so it fires once. `execute` lets the token act as
/// an account of the target (request a ride, hold a credit) so that the callback has
/// something to steal. Test-only.
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _data;

    /// @notice The callback ran and returned `result`.
    event Reentered(address indexed target, bytes result);

    constructor() ERC20("Reentrant", "REN") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to` (test helper, no access control).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice The next transfer calls `target` with `data`.
    function arm(address target, bytes calldata data) external {
        _target = target;
        _data = data;
    }

    /// @notice Calls `target` with `data` as this token (the token is the attacker's account).
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        return Address.functionCall(target, data);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = _target;
        if (target == address(0) || from == address(0) || to == address(0)) return;
        bytes memory data = _data;
        delete _target;
        delete _data;
        emit Reentered(target, Address.functionCall(target, data));
    }
}
