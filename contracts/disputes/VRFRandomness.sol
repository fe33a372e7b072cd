// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {VRFConsumerBaseV2Plus} from "@chainlink/contracts/src/v0.8/vrf/dev/VRFConsumerBaseV2Plus.sol";
import {VRFV2PlusClient} from "@chainlink/contracts/src/v0.8/vrf/dev/libraries/VRFV2PlusClient.sol";
import {IRandomness} from "../interfaces/IRandomness.sol";
import {IVRFRandomness} from "../interfaces/IVRFRandomness.sol";

/// @title VRFRandomness: Chainlink VRF v2.5 behind the court's IRandomness
/// @notice A request asks the coordinator for one random word, paid by a subscription; the
/// coordinator's callback stores it and the request is `Ready` with the same value on every
/// read. Nobody, the requester included, learns the value before it is on chain, and the VRF
/// proof leaves the node no choice of it.
/// @dev Ownership (Chainlink's `ConfirmedOwner`) gates only `setCoordinator`. The deployer owns
/// the contract until it sets the requester; that call makes the contract its own owner, so
/// no account can point it at another coordinator afterwards (the coordinator itself still
/// can, for Chainlink's subscription migration). The subscription's owner can starve requests
/// (cancel, remove this consumer, not fund it) but never choose a value: starved requests
/// expire and the court renews them within its cap.
contract VRFRandomness is VRFConsumerBaseV2Plus, IVRFRandomness {
    bytes32 private constant _CALLBACK_GAS_LIMIT = "callbackGasLimit";
    bytes32 private constant _REQUEST_CONFIRMATIONS = "requestConfirmations";
    bytes32 private constant _EXPIRY_SECONDS = "expirySeconds";
    // The callback stores one word and emits one event (about 45,000 gas); 2.5M is the
    // coordinator's own ceiling.
    uint256 private constant _MIN_CALLBACK_GAS = 50_000;
    uint256 private constant _MAX_CALLBACK_GAS = 2_500_000;
    // 3 is the coordinator's minimum on Ethereum and Base; 200 its MAX_REQUEST_CONFIRMATIONS.
    uint256 private constant _MIN_CONFIRMATIONS = 3;
    uint256 private constant _MAX_CONFIRMATIONS = 200;
    // At least ten minutes (200 confirmations on Ethereum take 40), at most the day after which
    // Chainlink's nodes stop retrying a pending request.
    uint256 private constant _MIN_EXPIRY = 10 minutes;
    uint256 private constant _MAX_EXPIRY = 1 days;

    /// @dev One slot: `expiresAt` fixed at request time, so a later change of `expirySeconds`
    /// never moves a request between statuses.
    struct Request {
        uint64 expiresAt;
        bool fulfilled;
    }

    address private immutable _deployer;
    address private immutable _governance;
    bytes32 private immutable _keyHash;
    uint256 private immutable _subscriptionId;
    bool private immutable _nativePayment;

    /// @dev One slot (30 bytes), read whole by every request.
    address private _requester;
    uint32 private _callbackGasLimit;
    uint16 private _requestConfirmations;
    uint32 private _expirySeconds;

    uint256 private _nextRequestId = 1;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 requestId => uint256 value) private _values;
    mapping(uint256 vrfRequestId => uint256 requestId) private _byVrfId;

    /// @param coordinator_ The VRF v2.5 coordinator of this chain.
    /// @param governance_ The timelock, the only authority over the governed parameters.
    /// @param keyHash_ The gas lane (VRF key hash) to request on.
    /// @param subscriptionId_ The subscription that pays; this contract must be added as its consumer.
    /// @param nativePayment_ Pay in the native token (true) or in LINK (false).
    /// @param callbackGasLimit_ Initial "callbackGasLimit".
    /// @param requestConfirmations_ Initial "requestConfirmations".
    /// @param expirySeconds_ Initial "expirySeconds".
    constructor(
        address coordinator_,
        address governance_,
        bytes32 keyHash_,
        uint256 subscriptionId_,
        bool nativePayment_,
        uint32 callbackGasLimit_,
        uint16 requestConfirmations_,
        uint32 expirySeconds_
    ) VRFConsumerBaseV2Plus(coordinator_) {
        _deployer = msg.sender;
        _governance = governance_;
        _keyHash = keyHash_;
        _subscriptionId = subscriptionId_;
        _nativePayment = nativePayment_;
        _setParameter(_CALLBACK_GAS_LIMIT, callbackGasLimit_);
        _setParameter(_REQUEST_CONFIRMATIONS, requestConfirmations_);
        _setParameter(_EXPIRY_SECONDS, expirySeconds_);
        // Completed by setRequester: from then on the contract owns itself (see the contract's @dev).
        transferOwnership(address(this));
    }

    /// @inheritdoc IVRFRandomness
    function setRequester(address requester_) external {
        if (msg.sender != _deployer) revert NotDeployer(msg.sender);
        if (_requester != address(0)) revert RequesterAlreadySet(_requester);
        if (requester_ == address(0)) revert RequesterInvalid(requester_);
        _requester = requester_;
        emit RequesterSet(requester_);
        // The pending owner is this contract: accepting leaves the deployer no power.
        this.acceptOwnership();
    }

    /// @inheritdoc IVRFRandomness
    function setParameter(bytes32 name, uint256 value) external {
        if (msg.sender != _governance) revert NotGovernance(msg.sender);
        _setParameter(name, value);
    }

    /// @inheritdoc IRandomness
    /// @dev Requirements: caller is the requester (an unset requester refuses everyone).
    function request() external returns (uint256 requestId) {
        address requester_ = _requester;
        if (msg.sender != requester_) revert NotRequester(msg.sender, requester_);
        uint256 vrfRequestId = s_vrfCoordinator.requestRandomWords(
            VRFV2PlusClient.RandomWordsRequest({
                keyHash: _keyHash,
                subId: _subscriptionId,
                requestConfirmations: _requestConfirmations,
                callbackGasLimit: _callbackGasLimit,
                numWords: 1,
                extraArgs: VRFV2PlusClient._argsToBytes(VRFV2PlusClient.ExtraArgsV1({nativePayment: _nativePayment}))
            })
        );
        requestId = _nextRequestId++;
        uint64 expires = uint64(block.timestamp) + _expirySeconds;
        _requests[requestId] = Request({expiresAt: expires, fulfilled: false});
        _byVrfId[vrfRequestId] = requestId;
        emit RandomnessRequested(requestId, msg.sender, 0);
        emit VRFRequestSent(requestId, vrfRequestId, expires);
    }

    /// @inheritdoc IRandomness
    function status(uint256 requestId) public view returns (Status) {
        Request memory r = _requests[requestId];
        if (r.fulfilled) return Status.Ready;
        if (r.expiresAt == 0) return Status.Unknown;
        if (block.timestamp >= r.expiresAt) return Status.Expired;
        return Status.Pending;
    }

    /// @inheritdoc IRandomness
    function randomness(uint256 requestId) external view returns (uint256) {
        Status current = status(requestId);
        if (current != Status.Ready) revert RandomnessNotReady(requestId, current);
        return _values[requestId];
    }

    /// @inheritdoc IVRFRandomness
    function requester() external view returns (address) {
        return _requester;
    }

    /// @inheritdoc IVRFRandomness
    function expiresAt(uint256 requestId) external view returns (uint64) {
        return _requests[requestId].expiresAt;
    }

    /// @inheritdoc IVRFRandomness
    function callbackGasLimit() external view returns (uint32) {
        return _callbackGasLimit;
    }

    /// @inheritdoc IVRFRandomness
    function requestConfirmations() external view returns (uint16) {
        return _requestConfirmations;
    }

    /// @inheritdoc IVRFRandomness
    function expirySeconds() external view returns (uint32) {
        return _expirySeconds;
    }

    /// @inheritdoc IVRFRandomness
    function keyHash() external view returns (bytes32) {
        return _keyHash;
    }

    /// @inheritdoc IVRFRandomness
    function subscriptionId() external view returns (uint256) {
        return _subscriptionId;
    }

    /// @inheritdoc IVRFRandomness
    function nativePayment() external view returns (bool) {
        return _nativePayment;
    }

    /// @inheritdoc IVRFRandomness
    function governance() external view returns (address) {
        return _governance;
    }

    /// @dev The coordinator's callback (checked by the base). It never reverts, as Chainlink
    /// requires: a fulfilment that cannot be used (unknown, repeated, or after expiry) is
    /// discarded with an event, so an expired request stays Expired.
    // solhint-disable-next-line private-vars-leading-underscore
    function fulfillRandomWords(uint256 vrfRequestId, uint256[] calldata randomWords) internal override {
        uint256 requestId = _byVrfId[vrfRequestId];
        Status current = status(requestId);
        if (current != Status.Pending) {
            emit RandomnessDiscarded(vrfRequestId, requestId, current);
            return;
        }
        _requests[requestId].fulfilled = true;
        _values[requestId] = randomWords[0];
        emit RandomnessFulfilled(requestId, randomWords[0]);
    }

    function _setParameter(bytes32 name, uint256 value) private {
        uint256 old;
        if (name == _CALLBACK_GAS_LIMIT) {
            _checkBounds(name, value, _MIN_CALLBACK_GAS, _MAX_CALLBACK_GAS);
            old = _callbackGasLimit;
            _callbackGasLimit = uint32(value);
        } else if (name == _REQUEST_CONFIRMATIONS) {
            _checkBounds(name, value, _MIN_CONFIRMATIONS, _MAX_CONFIRMATIONS);
            old = _requestConfirmations;
            _requestConfirmations = uint16(value);
        } else if (name == _EXPIRY_SECONDS) {
            _checkBounds(name, value, _MIN_EXPIRY, _MAX_EXPIRY);
            old = _expirySeconds;
            _expirySeconds = uint32(value);
        } else {
            revert ParameterUnknown(name);
        }
        emit ParameterChanged(name, old, value);
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }
}
