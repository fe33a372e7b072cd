// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FeeOnTransferToken} from "../../contracts/mocks/FeeOnTransferToken.sol";
import {MockRandomness} from "../../contracts/mocks/MockRandomness.sol";
import {RideCoopDeploy} from "./helpers/RideCoopDeploy.sol";
import {FeeOnTransferHandler} from "./handlers/FeeOnTransferHandler.sol";

/// @title The market on a fee-on-transfer fare token: every lossy pull refused, accounting exact
contract FeeOnTransferInvariants {
    error Mismatch(string what, uint256 suite, uint256 model);
    error Violation(string what, uint256 count);

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    RideCoopDeploy.Suite internal s;
    FeeOnTransferHandler internal h;

    function setUp() public {
        s = RideCoopDeploy.deploy(IERC20(address(new FeeOnTransferToken())), new MockRandomness());
        h = new FeeOnTransferHandler(s);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(h);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(h), h.actions());
    }

    /// @notice The market holds exactly what was pulled less what was paid out, which is its
    /// owed total (no RIDE holder claims here: the holders' share stays in the market, unsent).
    /// forge-config: default.invariant.depth = 100
    function invariant_feeOnTransfer() public view {
        (, uint256 owed, , ) = s.market.totals();
        if (owed != h.gOwed()) revert Mismatch("market owed", owed, h.gOwed());
        uint256 balance = s.fareToken.balanceOf(address(s.market));
        if (balance != h.gOwed()) revert Mismatch("market balance", balance, h.gOwed());
        if (h.violations() != 0) revert Violation(h.lastViolation(), h.violations());
    }
}
