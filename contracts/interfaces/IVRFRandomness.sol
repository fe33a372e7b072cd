// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomness} from "./IRandomness.sol";

/// @title The public-network source: Chainlink VRF v2.5, behind the court's IRandomness
/// @notice Requests are numbered by the adapter (1, 2, 3, ...), not by the coordinator, whose
/// ids are 256-bit hashes. Only the requester, set once by the deployer before use, may
/// request, so nobody else can spend the subscription. A request that is not fulfilled within
/// `expirySeconds` reports `Expired` for good: a later fulfilment is discarded.
interface IVRFRandomness is IRandomness {
    /// @dev `caller` is not the governance authority.
    error NotGovernance(address caller);
    /// @dev `caller` is not the deployer, the only account that may set the requester.
    error NotDeployer(address caller);
    /// @dev The requester is already `requester`; it is set once.
    error RequesterAlreadySet(address requester);
    /// @dev The requester cannot be the zero address.
    error RequesterInvalid(address requester);
    /// @dev `caller` is not the requester (`requester`, zero while unset).
    error NotRequester(address caller, address requester);
    /// @dev No governed parameter has this name.
    error ParameterUnknown(bytes32 name);
    /// @dev `value` is outside the hard bounds of `name`.
    error ParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);

    /// @notice The one account allowed to request was set by the deployer.
    event RequesterSet(address indexed requester);
    /// @notice Request `requestId` was sent to the coordinator as `vrfRequestId`; it expires at `expiresAt`.
    event VRFRequestSent(uint256 indexed requestId, uint256 indexed vrfRequestId, uint64 expiresAt);
    /// @notice Request `requestId` received its random value.
    event RandomnessFulfilled(uint256 indexed requestId, uint256 value);
    /// @notice A fulfilment of `vrfRequestId` was ignored: it is unknown (`requestId` 0), already
    /// fulfilled, or arrived after expiry (`status` is what the request reported then).
    event RandomnessDiscarded(uint256 indexed vrfRequestId, uint256 indexed requestId, Status status);
    /// @notice A governed parameter changed.
    event ParameterChanged(bytes32 indexed name, uint256 oldValue, uint256 newValue);

    /// @notice Sets the only account allowed to call {request} (the court, or its arbiter pool).
    /// Requirements: caller is the deployer; not set before; `requester_` is not zero.
    /// Emits {RequesterSet}.
    function setRequester(address requester_) external;

    /// @notice Sets a governed parameter: "callbackGasLimit" (50,000..2,500,000 gas),
    /// "requestConfirmations" (3..200 blocks) or "expirySeconds" (600..86,400 s). A change
    /// applies to later requests only.
    /// Requirements: caller is governance; name known; value within its bounds.
    /// Emits {ParameterChanged}.
    function setParameter(bytes32 name, uint256 value) external;

    /// @notice The account allowed to request (zero until set).
    function requester() external view returns (address);

    /// @notice When `requestId` expires unless fulfilled (0 for an unknown request).
    function expiresAt(uint256 requestId) external view returns (uint64);

    /// @notice Gas the coordinator gives the fulfilment callback.
    function callbackGasLimit() external view returns (uint32);

    /// @notice Blocks the VRF node waits after a request before answering it.
    function requestConfirmations() external view returns (uint16);

    /// @notice Seconds after which an unfulfilled request reports `Expired`.
    function expirySeconds() external view returns (uint32);

    /// @notice The gas lane (the VRF key's hash) and subscription every request uses.
    function keyHash() external view returns (bytes32);

    /// @notice The subscription that pays for requests.
    function subscriptionId() external view returns (uint256);

    /// @notice Whether requests are paid in the chain's native token (true) or in LINK (false).
    function nativePayment() external view returns (bool);

    /// @notice The governance authority (the timelock).
    function governance() external view returns (address);
}
