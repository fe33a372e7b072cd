// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title RevertingReceiver: a contract account that refuses every call made to it
/// @notice Stands for a smart-contract wallet or a hostile party: it acts through `execute`
/// (by its owner) but reverts on plain ether and on any callback, so a protocol that pushes
/// to it or calls it while paying someone else would be blocked. Test-only.
contract RevertingReceiver {
    address private immutable _owner;

    /// @dev The receiver refuses every incoming call it did not make itself.
    error Refused(address from, bytes4 selector);
    /// @dev Only the owner may act through this account.
    error NotOwner(address caller);

    constructor() {
        _owner = msg.sender;
    }

    receive() external payable {
        revert Refused(msg.sender, bytes4(0));
    }

    fallback() external payable {
        revert Refused(msg.sender, msg.sig);
    }

    /// @notice Calls `target` with `data` as this account.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != _owner) revert NotOwner(msg.sender);
        return Address.functionCall(target, data);
    }
}
