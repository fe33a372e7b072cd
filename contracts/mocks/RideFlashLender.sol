// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {IERC3156FlashLender} from "@openzeppelin/contracts/interfaces/IERC3156FlashLender.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title RideFlashLender: an ERC-3156 lender of RIDE, for tests only
/// @notice Lends its whole RIDE balance within one transaction for a fee of `feeBps` of the
/// amount, paid in RIDE: it sends the tokens, calls the borrower back and takes back the amount
/// plus the fee before the call ends. It stands in for any pool or AMM from which an attacker
/// could borrow votes or revenue (the Beanstalk attack): 0 for a free lender (Balancer, Maker's
/// flash mint), 5 to 9 for Aave, the pool's swap fee (30 for the common tier) for Uniswap v3.
contract RideFlashLender is IERC3156FlashLender, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 private constant _CALLBACK_SUCCESS = keccak256("ERC3156FlashBorrower.onFlashLoan");

    uint256 private constant _BPS = 10_000;

    IERC20 private immutable _token;
    uint256 private immutable _feeBps;

    /// @dev Only `_token` is lent; `token` was asked for.
    error FlashLenderUnsupportedToken(address token);
    /// @dev `requested` exceeds the `available` balance.
    error FlashLenderAmountTooLarge(uint256 requested, uint256 available);
    /// @dev The borrower's callback did not return the ERC-3156 success value.
    error FlashLenderCallbackFailed(address receiver);

    /// @dev A fee of `feeBps` is more than the whole amount.
    error FlashLenderFeeTooHigh(uint256 feeBps);

    /// @notice `amount` was lent to `receiver` at the request of `initiator`, and repaid with `fee`.
    event FlashLoaned(address indexed receiver, address indexed initiator, uint256 amount, uint256 fee);

    constructor(IERC20 token_, uint256 feeBps_) {
        if (feeBps_ > _BPS) revert FlashLenderFeeTooHigh(feeBps_);
        _token = token_;
        _feeBps = feeBps_;
    }

    /// @inheritdoc IERC3156FlashLender
    function maxFlashLoan(address token) external view returns (uint256) {
        return token == address(_token) ? _token.balanceOf(address(this)) : 0;
    }

    /// @inheritdoc IERC3156FlashLender
    function flashFee(address token, uint256 amount) external view returns (uint256) {
        if (token != address(_token)) revert FlashLenderUnsupportedToken(token);
        return _fee(amount);
    }

    /// @inheritdoc IERC3156FlashLender
    /// @dev Requirements: `token` is RIDE; `amount` is at most the balance; the callback returns
    /// the success value and approves the repayment of `amount` plus the fee. Emits {FlashLoaned}.
    function flashLoan(
        IERC3156FlashBorrower receiver,
        address token,
        uint256 amount,
        bytes calldata data
    ) external nonReentrant returns (bool) {
        if (token != address(_token)) revert FlashLenderUnsupportedToken(token);
        uint256 available = _token.balanceOf(address(this));
        if (amount > available) revert FlashLenderAmountTooLarge(amount, available);
        uint256 fee = _fee(amount);
        emit FlashLoaned(address(receiver), msg.sender, amount, fee);
        _token.safeTransfer(address(receiver), amount);
        if (receiver.onFlashLoan(msg.sender, token, amount, fee, data) != _CALLBACK_SUCCESS) {
            revert FlashLenderCallbackFailed(address(receiver));
        }
        _token.safeTransferFrom(address(receiver), address(this), amount + fee);
        return true;
    }

    /// @dev The fee on `amount`, rounded up: a loan is never free at a non-zero rate.
    function _fee(uint256 amount) private view returns (uint256) {
        return (amount * _feeBps + _BPS - 1) / _BPS;
    }
}
