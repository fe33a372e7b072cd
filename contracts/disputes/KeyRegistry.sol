// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IKeyRegistry} from "../interfaces/IKeyRegistry.sol";

/// @title KeyRegistry: each account's x25519 public key for private dispute evidence
/// @notice Standalone and ownerless: it holds no money and answers to nobody. A key is public
/// by design; only its owner's client, which derives the secret half, can read what is sealed to it.
contract KeyRegistry is ERC2771Context, IKeyRegistry {
    mapping(address account => bytes32 key) private _keys;

    /// @param trustedForwarder_ The suite's ERC-2771 forwarder: a key may be registered gaslessly.
    constructor(address trustedForwarder_) ERC2771Context(trustedForwarder_) {}

    /// @inheritdoc IKeyRegistry
    function registerKey(bytes32 key) external {
        address account = _msgSender();
        bytes32 previous = _keys[account];
        if (key == bytes32(0)) revert KeyInvalid(account, key);
        if (key == previous) revert KeyUnchanged(account, key);
        _keys[account] = key;
        emit KeyRegistered(account, key, previous);
    }

    /// @inheritdoc IKeyRegistry
    function keyOf(address account) external view returns (bytes32) {
        return _keys[account];
    }
}
