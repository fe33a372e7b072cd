// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {IBlockhashRandomness, IRandomness} from "../interfaces/IRandomness.sol";

/// @title BlockhashRandomness: a future block's hash, committed at request time
/// @notice A request commits to block `request block + delayBlocks`; once that block is mined
/// its hash serves the request. The EVM keeps only the last 256 hashes: later, the request is
/// `Expired` and the caller requests again.
/// @dev Sound on a local chain. On a public chain the producer of the target block can see
/// the outcome before publishing and withhold the block (losing its reward) to re-roll it once:
/// a bias bounded by the block reward, not a free choice. Replace it with a VRF source there
/// (docs/DISPUTES.md).
contract BlockhashRandomness is Context, IBlockhashRandomness {
    bytes32 private constant _DELAY_BLOCKS = "delayBlocks";
    uint256 private constant _MIN_DELAY = 1;
    uint256 private constant _MAX_DELAY = 128;
    uint256 private constant _HASH_WINDOW = 256;

    address private immutable _governance;
    uint256 private _delayBlocks;
    uint256 private _nextRequestId = 1;
    mapping(uint256 requestId => uint256 targetBlock) private _targets;

    /// @param governance_ The timelock, the only authority over `delayBlocks`.
    /// @param delayBlocks_ Blocks between a request and the block whose hash serves it.
    constructor(address governance_, uint256 delayBlocks_) {
        _governance = governance_;
        _setDelay(delayBlocks_);
    }

    /// @inheritdoc IBlockhashRandomness
    function setParameter(bytes32 name, uint256 value) external {
        if (_msgSender() != _governance) revert NotGovernance(_msgSender());
        if (name != _DELAY_BLOCKS) revert ParameterUnknown(name);
        _setDelay(value);
    }

    /// @inheritdoc IRandomness
    function request() external returns (uint256 requestId) {
        requestId = _nextRequestId++;
        uint256 target = block.number + _delayBlocks;
        _targets[requestId] = target;
        emit RandomnessRequested(requestId, _msgSender(), target + 1);
    }

    /// @inheritdoc IRandomness
    function status(uint256 requestId) public view returns (Status) {
        uint256 target = _targets[requestId];
        if (target == 0) return Status.Unknown;
        if (block.number <= target) return Status.Pending;
        if (block.number - target > _HASH_WINDOW) return Status.Expired;
        return Status.Ready;
    }

    /// @inheritdoc IRandomness
    function randomness(uint256 requestId) external view returns (uint256) {
        Status current = status(requestId);
        if (current != Status.Ready) revert RandomnessNotReady(requestId, current);
        return uint256(keccak256(abi.encode(blockhash(_targets[requestId]), requestId)));
    }

    /// @inheritdoc IBlockhashRandomness
    function delayBlocks() external view returns (uint256) {
        return _delayBlocks;
    }

    /// @inheritdoc IBlockhashRandomness
    function targetBlock(uint256 requestId) external view returns (uint256) {
        return _targets[requestId];
    }

    /// @inheritdoc IBlockhashRandomness
    function governance() external view returns (address) {
        return _governance;
    }

    function _setDelay(uint256 value) private {
        if (value < _MIN_DELAY || value > _MAX_DELAY) {
            revert ParameterOutOfBounds(_DELAY_BLOCKS, value, _MIN_DELAY, _MAX_DELAY);
        }
        emit ParameterChanged(_DELAY_BLOCKS, _delayBlocks, value);
        _delayBlocks = value;
    }
}
