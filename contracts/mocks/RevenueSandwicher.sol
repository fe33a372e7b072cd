// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {IERC3156FlashLender} from "@openzeppelin/contracts/interfaces/IERC3156FlashLender.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IRevenueShare} from "../interfaces/IRevenueShare.sol";

/// @title RevenueSandwicher: borrows RIDE in a flash loan around a call, for tests only
/// @notice Inside the loan it makes `target.call(data)` (e.g. a keeper's `finalizeRide`), records
/// the revenue it can claim while holding the loan, and repays. Issue 13's sandwich: before
/// fees were deposited ride by ride, the call was `distributeRevenue()` and took half a batch.
contract RevenueSandwicher is IERC3156FlashBorrower {
    bytes32 private constant _CALLBACK_SUCCESS = keccak256("ERC3156FlashBorrower.onFlashLoan");

    IERC3156FlashLender private immutable _lender;
    address private immutable _token;

    /// @dev The callback came from `caller`/`initiator` rather than the lender on this contract's behalf.
    error SandwichUntrustedLoan(address caller, address initiator);
    /// @dev The sandwiched call reverted.
    error SandwichCallFailed();

    /// @notice Holding `borrowed` RIDE around the call, the sandwicher could claim `claimable`.
    event Sandwiched(uint256 borrowed, uint256 claimable);

    constructor(IERC3156FlashLender lender_, address token_) {
        _lender = lender_;
        _token = token_;
    }

    /// @notice Borrows `amount` RIDE, makes `target.call(data)` holding it, and repays.
    function sandwich(uint256 amount, address target, bytes calldata data) external {
        _lender.flashLoan(this, _token, amount, abi.encode(target, data));
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
            revert SandwichUntrustedLoan(msg.sender, initiator);
        }
        (address target, bytes memory callData) = abi.decode(data, (address, bytes));
        if (target != address(0)) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, ) = target.call(callData);
            if (!ok) revert SandwichCallFailed();
        }
        emit Sandwiched(amount, IRevenueShare(_token).claimableRevenue(address(this)));
        IERC20(_token).approve(address(_lender), amount + fee);
        return _CALLBACK_SUCCESS;
    }
}
