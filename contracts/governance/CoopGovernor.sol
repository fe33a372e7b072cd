// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
// solhint-disable-next-line max-line-length
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {ICoopGovernor} from "../interfaces/ICoopGovernor.sol";

/// @title CoopGovernor: RIDE holders vote the cooperative's parameters
/// @notice OpenZeppelin Governor 5.x. Votes are RIDE voting power (ERC20Votes, timestamp clock)
/// read at the proposal snapshot, so tokens bought or borrowed after a proposal weigh nothing on
/// it. A passed proposal runs through the TimelockController, which is the governance authority
/// of every governed contract; the governor alone can do nothing.
/// @dev The governor's own settings have hard bounds (see docs/GOVERNANCE.md), checked at
/// construction and on every later change, so that no vote can set a zero quorum, an
/// unreachable threshold or a month-long lock-out.
contract CoopGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl,
    GovernorPreventLateQuorum,
    ERC2771Context,
    ICoopGovernor
{
    /// @notice Longest voting delay: a proposal must come to a vote within a month.
    uint256 public constant MAX_VOTING_DELAY = 30 days;
    /// @notice Longest voting period.
    uint256 public constant MAX_VOTING_PERIOD = 30 days;
    /// @notice Highest proposal threshold: 1,000,000 RIDE, 1% of the 100M cap. Zero is refused:
    /// without a threshold anyone could flood the cooperative with proposals.
    uint256 public constant MAX_PROPOSAL_THRESHOLD = 1_000_000e18;
    /// @notice Quorum, in percent of the supply at the snapshot: at least 1% (a lone holder never
    /// decides), at most 50% (turnout above half would freeze governance).
    uint256 public constant MIN_QUORUM_PERCENT = 1;
    uint256 public constant MAX_QUORUM_PERCENT = 50;
    /// @notice Longest late-quorum extension.
    uint256 public constant MAX_LATE_QUORUM_EXTENSION = 14 days;

    /// @dev Each proposer's latest proposal: one may be Pending or Active at a time.
    mapping(address proposer => uint256 proposalId) private _latestProposal;

    /// @param token_ RIDE (ERC-5805 votes, timestamp clock).
    /// @param timelock_ The TimelockController that executes passed proposals.
    /// @param votingDelay_ Seconds between a proposal and its snapshot (start of the vote).
    /// @param votingPeriod_ Seconds the vote stays open.
    /// @param proposalThreshold_ Votes (18 decimals) a proposer needs one second before proposing.
    /// @param quorumPercent_ For + abstain votes needed, in percent of the supply at the snapshot.
    /// @param lateQuorumExtension_ Seconds the vote stays open after quorum is first reached.
    /// @param trustedForwarder_ The suite's ERC-2771 forwarder: a proposal or vote it relays acts as
    /// its signer (`castVoteBySig` needs no forwarder).
    constructor(
        IVotes token_,
        TimelockController timelock_,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 proposalThreshold_,
        uint256 quorumPercent_,
        uint48 lateQuorumExtension_,
        address trustedForwarder_
    )
        Governor("CoopGovernor")
        GovernorSettings(votingDelay_, votingPeriod_, proposalThreshold_)
        GovernorVotes(token_)
        GovernorVotesQuorumFraction(quorumPercent_)
        GovernorTimelockControl(timelock_)
        GovernorPreventLateQuorum(lateQuorumExtension_)
        ERC2771Context(trustedForwarder_)
    {}

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    function proposalDeadline(
        uint256 proposalId
    ) public view override(Governor, GovernorPreventLateQuorum) returns (uint256) {
        return super.proposalDeadline(proposalId);
    }

    /// @inheritdoc ICoopGovernor
    function latestProposal(address proposer) external view returns (uint256) {
        return _latestProposal[proposer];
    }

    /// @dev One live (Pending or Active) proposal per proposer, as in GovernorBravo: holding the
    /// threshold buys one voice at a time, not a flood of concurrent proposals.
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256 proposalId) {
        uint256 latest = _latestProposal[proposer];
        if (latest != 0) {
            ProposalState current = state(latest);
            if (current == ProposalState.Pending || current == ProposalState.Active) {
                revert ProposerHasLiveProposal(proposer, latest);
            }
        }
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        _latestProposal[proposer] = proposalId;
    }

    function _setVotingDelay(uint48 newVotingDelay) internal override {
        _checkBounds("votingDelay", newVotingDelay, 0, MAX_VOTING_DELAY);
        super._setVotingDelay(newVotingDelay);
    }

    function _setVotingPeriod(uint32 newVotingPeriod) internal override {
        _checkBounds("votingPeriod", newVotingPeriod, 1, MAX_VOTING_PERIOD);
        super._setVotingPeriod(newVotingPeriod);
    }

    function _setProposalThreshold(uint256 newProposalThreshold) internal override {
        _checkBounds("proposalThreshold", newProposalThreshold, 1, MAX_PROPOSAL_THRESHOLD);
        super._setProposalThreshold(newProposalThreshold);
    }

    function _updateQuorumNumerator(uint256 newQuorumNumerator) internal override {
        _checkBounds("quorumPercent", newQuorumNumerator, MIN_QUORUM_PERCENT, MAX_QUORUM_PERCENT);
        super._updateQuorumNumerator(newQuorumNumerator);
    }

    function _setLateQuorumVoteExtension(uint48 newVoteExtension) internal override {
        _checkBounds("lateQuorumExtension", newVoteExtension, 0, MAX_LATE_QUORUM_EXTENSION);
        super._setLateQuorumVoteExtension(newVoteExtension);
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }

    function _msgSender() internal view override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert GovernorSettingOutOfBounds(name, value, min, max);
    }
}
