// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {IERC3156FlashLender} from "@openzeppelin/contracts/interfaces/IERC3156FlashLender.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title RideFlashLender: an ERC-3156 lender of RIDE, for tests only
/// @notice Lends its whole RIDE balance for free within one transaction: it sends the tokens,
/// calls the borrower back and takes them back before the call ends. It stands in for any
/// pool or AMM from which an attacker could borrow votes (the Beanstalk attack).
contract RideFlashLender is IERC3156FlashLender, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 private constant _CALLBACK_SUCCESS = keccak256("ERC3156FlashBorrower.onFlashLoan");

    IERC20 private immutable _token;

    /// @dev Only `_token` is lent; `token` was asked for.
    error FlashLenderUnsupportedToken(address token);
    /// @dev `requested` exceeds the `available` balance.
    error FlashLenderAmountTooLarge(uint256 requested, uint256 available);
    /// @dev The borrower's callback did not return the ERC-3156 success value.
    error FlashLenderCallbackFailed(address receiver);

    /// @notice `amount` was lent to `receiver` at the request of `initiator`, and repaid.
    event FlashLoaned(address indexed receiver, address indexed initiator, uint256 amount);

    constructor(IERC20 token_) {
        _token = token_;
    }

    /// @inheritdoc IERC3156FlashLender
    function maxFlashLoan(address token) external view returns (uint256) {
        return token == address(_token) ? _token.balanceOf(address(this)) : 0;
    }

    /// @inheritdoc IERC3156FlashLender
    function flashFee(address token, uint256) external view returns (uint256) {
        if (token != address(_token)) revert FlashLenderUnsupportedToken(token);
        return 0;
    }

    /// @inheritdoc IERC3156FlashLender
    /// @dev Requirements: `token` is RIDE; `amount` is at most the balance; the callback returns
    /// the success value and approves the repayment. Emits {FlashLoaned}.
    function flashLoan(
        IERC3156FlashBorrower receiver,
        address token,
        uint256 amount,
        bytes calldata data
    ) external nonReentrant returns (bool) {
        if (token != address(_token)) revert FlashLenderUnsupportedToken(token);
        uint256 available = _token.balanceOf(address(this));
        if (amount > available) revert FlashLenderAmountTooLarge(amount, available);
        emit FlashLoaned(address(receiver), msg.sender, amount);
        _token.safeTransfer(address(receiver), amount);
        if (receiver.onFlashLoan(msg.sender, token, amount, 0, data) != _CALLBACK_SUCCESS) {
            revert FlashLenderCallbackFailed(address(receiver));
        }
        _token.safeTransferFrom(address(receiver), address(this), amount);
        return true;
    }
}
