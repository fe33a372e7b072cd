// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title A source of random numbers with a request, then a later read
/// @notice The court asks for randomness when a draw becomes due and reads it once it is ready.
/// A request that can no longer be served (the committed block fell out of reach) reports
/// `Expired`: the caller requests again. A VRF source implements the same three functions
/// (see docs/DISPUTES.md).
interface IRandomness {
    /// @notice Where a request stands.
    enum Status {
        Unknown,
        Pending,
        Ready,
        Expired
    }

    /// @dev `requestId` is not `Ready` (it is `status`).
    error RandomnessNotReady(uint256 requestId, Status status);

    /// @notice `requester` asked for randomness; it is expected at block `readyAtBlock` (0 if
    /// the source cannot say, e.g. an asynchronous VRF).
    event RandomnessRequested(uint256 indexed requestId, address indexed requester, uint256 readyAtBlock);

    /// @notice Asks for a random value.
    /// Requirements: none. Emits {RandomnessRequested}.
    function request() external returns (uint256 requestId);

    /// @notice The request's status.
    function status(uint256 requestId) external view returns (Status);

    /// @notice The random value of a ready request; the same value on every read.
    /// Requirements: the request is `Ready`.
    function randomness(uint256 requestId) external view returns (uint256);
}

/// @title The local-chain default: a future block's hash, committed at request time
interface IBlockhashRandomness is IRandomness {
    /// @dev `caller` is not the governance authority.
    error NotGovernance(address caller);
    /// @dev No governed parameter has this name.
    error ParameterUnknown(bytes32 name);
    /// @dev `value` is outside the hard bounds of `name`.
    error ParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);

    /// @notice A governed parameter changed.
    event ParameterChanged(bytes32 indexed name, uint256 oldValue, uint256 newValue);

    /// @notice Sets "delayBlocks": how many blocks after a request its block hash is read.
    /// Requirements: caller is governance; name known; 1 <= value <= 128. Emits {ParameterChanged}.
    function setParameter(bytes32 name, uint256 value) external;

    /// @notice Blocks between a request and the block whose hash serves it.
    function delayBlocks() external view returns (uint256);

    /// @notice The block whose hash serves `requestId`.
    function targetBlock(uint256 requestId) external view returns (uint256);

    /// @notice The governance authority (the timelock).
    function governance() external view returns (address);
}
