// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestUSD} from "../../contracts/mocks/TestUSD.sol";
import {MockRandomness} from "../../contracts/mocks/MockRandomness.sol";
import {IRideMarket} from "../../contracts/interfaces/IRideMarket.sol";
import {IDisputeCourt} from "../../contracts/interfaces/IDisputeCourt.sol";
import {IArbiterPool} from "../../contracts/interfaces/IArbiterPool.sol";
import {RideCoopDeploy} from "./helpers/RideCoopDeploy.sol";
import {CourtHandler} from "./handlers/CourtHandler.sol";

/// @title The dispute court and the arbiter pool against what entered and left them
/// @notice Forge calls CourtHandler's actions in random order and checks `invariant_court`.
contract CourtInvariants {
    error Mismatch(string what, uint256 suite, uint256 model);
    error Violation(string what, uint256 count);

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    RideCoopDeploy.Suite internal s;
    CourtHandler internal h;

    function setUp() public {
        s = RideCoopDeploy.deploy(IERC20(address(new TestUSD())), new MockRandomness());
        h = new CourtHandler(s);
    }

    /// @dev Forge's hook: only the handler is called, never the suite directly.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(h);
    }

    /// @dev Forge's hook: the handler's actions, a new dispute twice as often as the others.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory all = h.actions();
        bytes4[] memory weighted = new bytes4[](all.length + 1);
        for (uint256 i = 0; i < all.length; i++) weighted[i] = all[i];
        weighted[all.length] = CourtHandler.openDispute.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(h), weighted);
    }

    /// @notice All the court's invariants, one campaign (see MarketInvariants.invariant_all).
    /// Runs of 250 calls: a dispute's life is short, and the keeper's exit loop is heavy.
    /// forge-config: default.invariant.depth = 250
    function invariant_court() public view {
        checkCourtHoldsWhatItOwes();
        checkPoolStake();
        checkDisputesAndRides();
        if (h.violations() != 0) revert Violation(h.lastViolation(), h.violations());
    }

    /// @notice The court's balance == fees and appeal fees paid in less withdrawals (the model)
    /// == every account's credit + what open disputes still hold (paid less arbiters' fees).
    function checkCourtHoldsWhatItOwes() internal view {
        uint256 balance = s.fareToken.balanceOf(address(s.court));
        _eq("court balance vs paid in - withdrawn", balance, h.gCourtIn() - h.gCourtOut());
        uint256 owed;
        uint256 n = h.everyoneCount();
        for (uint256 i = 0; i < n; i++) owed += s.court.creditOf(h.everyone(i));
        uint256 m = h.disputeCount();
        for (uint256 i = 0; i < m; i++) {
            IDisputeCourt.Dispute memory d = s.court.getDispute(h.disputeIds(i));
            if (d.status != IDisputeCourt.Status.Resolved) owed += d.paidByRider + d.paidByDriver - d.feesEarned;
        }
        _eq("court balance vs what it owes", balance, owed);
    }

    /// @notice The pool's RIDE == staked in less taken out (the model) == members' stakes +
    /// unstaking + slashing credits; the tree's total == the sum of members' weights, none of
    /// them dust below the draw lock.
    function checkPoolStake() internal view {
        uint256 balance = s.token.balanceOf(address(s.pool));
        _eq("pool RIDE vs staked - taken out", balance, h.gPoolIn() - h.gPoolOut());
        uint256 held;
        uint256 weights;
        uint256 total;
        uint256 n = h.arbiterCount();
        for (uint256 i = 0; i < n; i++) {
            address a = h.arbiters(i);
            IArbiterPool.Arbiter memory arb = s.pool.arbiterOf(a);
            held += arb.stake + arb.unstaking;
            (uint256 w, uint256 t) = s.pool.weightOf(a);
            // A weight is the free stake when it last applied (changes wait while a draw is
            // pending, design item 24): never dust below the draw lock.
            if (w != 0 && w < 10e18) revert Mismatch("weight below the draw lock", w, 10e18);
            if (arb.locked > arb.stake) revert Mismatch("locked above stake", arb.locked, arb.stake);
            weights += w;
            total = t;
        }
        uint256 m = h.everyoneCount();
        for (uint256 i = 0; i < m; i++) held += s.pool.creditOf(h.everyone(i));
        _eq("pool RIDE vs stakes + unstaking + credits", balance, held);
        _eq("tree total vs members' weights", total, weights);
    }

    /// @notice A dispute's ride is Disputed while it is open and Resolved once it is.
    function checkDisputesAndRides() internal view {
        uint256 m = h.disputeCount();
        for (uint256 i = 0; i < m; i++) {
            uint256 id = h.disputeIds(i);
            IDisputeCourt.Status st = s.court.getDispute(id).status;
            IRideMarket.RideState rs = s.market.getRide(id).state;
            IRideMarket.RideState want =
                st == IDisputeCourt.Status.Resolved ? IRideMarket.RideState.Resolved : IRideMarket.RideState.Disputed;
            _eq("ride state of a dispute", uint256(rs), uint256(want));
        }
    }

    function _eq(string memory what, uint256 suite, uint256 model) internal pure {
        if (suite != model) revert Mismatch(what, suite, model);
    }
}
