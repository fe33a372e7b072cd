// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomness} from "../interfaces/IRandomness.sol";

/// @title MockRandomness: a test-controlled source (requests stay Pending until fulfilled)
contract MockRandomness is IRandomness {
    uint256 private _nextRequestId = 1;
    mapping(uint256 requestId => Status) private _status;
    mapping(uint256 requestId => uint256) private _values;

    function request() external returns (uint256 requestId) {
        requestId = _nextRequestId++;
        _status[requestId] = Status.Pending;
        emit RandomnessRequested(requestId, msg.sender, 0);
    }

    /// @notice Makes `requestId` Ready with `value`.
    function fulfill(uint256 requestId, uint256 value) external {
        _status[requestId] = Status.Ready;
        _values[requestId] = value;
    }

    /// @notice Makes `requestId` Expired.
    function expire(uint256 requestId) external {
        _status[requestId] = Status.Expired;
    }

    function lastRequestId() external view returns (uint256) {
        return _nextRequestId - 1;
    }

    function status(uint256 requestId) external view returns (Status) {
        return _status[requestId];
    }

    function randomness(uint256 requestId) external view returns (uint256) {
        if (_status[requestId] != Status.Ready) revert RandomnessNotReady(requestId, _status[requestId]);
        return _values[requestId];
    }
}
