// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Encryption keys for private dispute evidence
/// @notice Any account publishes one 32-byte x25519 public key; a party's client encrypts the
/// route reveal to the key of each seated arbiter. No admin: each account changes only its own
/// key, and the latest registration is the key in force.
interface IKeyRegistry {
    /// @dev `key` is not a usable x25519 public key (zero).
    error KeyInvalid(address account, bytes32 key);
    /// @dev `account` already has `key` registered: nothing would change.
    error KeyUnchanged(address account, bytes32 key);

    /// @notice `account` registered `key` (replacing `previous`, zero on the first registration).
    event KeyRegistered(address indexed account, bytes32 key, bytes32 previous);

    /// @notice Registers (or rotates) the caller's x25519 public key.
    /// Requirements: `key` is not zero and differs from the caller's current key.
    /// Emits {KeyRegistered}.
    function registerKey(bytes32 key) external;

    /// @notice The key `account` registered last (zero if none).
    function keyOf(address account) external view returns (bytes32);
}
