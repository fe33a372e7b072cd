// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {IERC3156FlashLender} from "@openzeppelin/contracts/interfaces/IERC3156FlashLender.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title FlashVoteBorrower: borrows RIDE in a flash loan and tries to vote with it, for tests only
/// @notice Inside the loan it self-delegates, records the voting power it holds at that moment
/// and casts a vote; the governor counts the weight at the proposal snapshot, which is zero.
contract FlashVoteBorrower is IERC3156FlashBorrower {
    bytes32 private constant _CALLBACK_SUCCESS = keccak256("ERC3156FlashBorrower.onFlashLoan");

    IERC3156FlashLender private immutable _lender;
    IGovernor private immutable _governor;
    address private immutable _token;

    /// @dev The callback came from `caller`/`initiator` rather than the lender on this contract's behalf.
    error FlashBorrowerUntrustedLoan(address caller, address initiator);

    /// @notice Inside a loan of `borrowed`, the borrower held `votesNow` and its vote on
    /// `proposalId` counted `weight`.
    event FlashVoted(uint256 indexed proposalId, uint256 borrowed, uint256 votesNow, uint256 weight);

    constructor(IERC3156FlashLender lender_, IGovernor governor_, address token_) {
        _lender = lender_;
        _governor = governor_;
        _token = token_;
    }

    /// @notice Borrows `amount` RIDE and votes `support` on `proposalId` with it.
    /// Requirements: the lender holds `amount`; the proposal is active. Emits {FlashVoted}.
    function borrowAndVote(uint256 proposalId, uint256 amount, uint8 support) external {
        _lender.flashLoan(this, _token, amount, abi.encode(proposalId, support));
    }

    /// @inheritdoc IERC3156FlashBorrower
    function onFlashLoan(
        address initiator,
        address,
        uint256 amount,
        uint256 fee,
        bytes calldata data
    ) external returns (bytes32) {
        if (msg.sender != address(_lender) || initiator != address(this)) {
            revert FlashBorrowerUntrustedLoan(msg.sender, initiator);
        }
        (uint256 proposalId, uint8 support) = abi.decode(data, (uint256, uint8));
        IVotes(_token).delegate(address(this));
        uint256 votesNow = IVotes(_token).getVotes(address(this));
        uint256 weight = _governor.castVote(proposalId, support);
        emit FlashVoted(proposalId, amount, votesNow, weight);
        IERC20(_token).approve(address(_lender), amount + fee);
        return _CALLBACK_SUCCESS;
    }
}
