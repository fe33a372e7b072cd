// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title CoopGovernor's own errors
/// @notice The governor's settings (voting delay, voting period, proposal threshold, quorum,
/// late-quorum extension) are governed parameters like the market's: each has a hard bound
/// that the constructor and every later vote must respect.
interface ICoopGovernor {
    /// @dev `value` for the setting `name` lies outside [`min`, `max`].
    error GovernorSettingOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);

    /// @dev `proposer` already has `proposalId` Pending or Active: one live proposal at a time.
    error ProposerHasLiveProposal(address proposer, uint256 proposalId);

    /// @notice The id of `proposer`'s latest proposal (0 = none).
    function latestProposal(address proposer) external view returns (uint256);
}
