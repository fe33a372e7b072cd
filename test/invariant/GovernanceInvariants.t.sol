// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestUSD} from "../../contracts/mocks/TestUSD.sol";
import {MockRandomness} from "../../contracts/mocks/MockRandomness.sol";
import {RideCoopDeploy} from "./helpers/RideCoopDeploy.sol";
import {GovernanceHandler} from "./handlers/GovernanceHandler.sol";
import {VM} from "./helpers/Vm.sol";

/// @title Governance through the real governor and timelock against an independent model
/// @notice Forge calls GovernanceHandler's actions (rides that earn RIDE, transfers, delegations,
/// proposals, votes, queue, execute, an attacker buying, farming and flash-voting, time warps)
/// and checks `invariant_governance`. docs/SECURITY.md lists what each check stands for.
contract GovernanceInvariants {
    error Mismatch(string what, uint256 suite, uint256 model);
    error Violation(string what, uint256 count);

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    RideCoopDeploy.Suite internal s;
    GovernanceHandler internal h;

    function setUp() public {
        // A real chain's clock: the treasury period and the RIDE epoch are not the first ever.
        VM.warp(1_767_225_600); // 2026-01-01
        s = RideCoopDeploy.deploy(IERC20(address(new TestUSD())), new MockRandomness());
        h = new GovernanceHandler(s);
    }

    /// @dev Forge's hook: only the handler is called, never the suite directly.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(h);
    }

    /// @dev Forge's hook: the handler's actions, votes twice as often as the others.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory all = h.actions();
        bytes4[] memory weighted = new bytes4[](all.length + 1);
        for (uint256 i = 0; i < all.length; i++) weighted[i] = all[i];
        weighted[all.length] = GovernanceHandler.castVote.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(h), weighted);
    }

    /// @notice All of governance's invariants, one campaign (see MarketInvariants.invariant_all).
    /// forge-config: default.invariant.depth = 250
    function invariant_governance() public view {
        checkVotes();
        checkPastVotes();
        checkParameters();
        checkTreasury();
        checkProposals();
        checkRevenue();
        if (h.violations() != 0) revert Violation(h.lastViolation(), h.violations());
    }

    /// @notice Balances, delegates and votes follow the model; the sum of votes == the supply
    /// held by delegating accounts; the supply is what the market released.
    function checkVotes() internal view {
        uint256 votes;
        uint256 delegated;
        uint256 n = h.actorCount();
        for (uint256 i = 0; i < n; i++) {
            address a = h.actors(i);
            _eq("RIDE balance", s.token.balanceOf(a), h.gBalance(a));
            _eq("delegate", uint160(s.token.delegates(a)), uint160(h.gDelegate(a)));
            _eq("votes", s.token.getVotes(a), h.gVotes(a));
            votes += s.token.getVotes(a);
            if (h.gDelegate(a) != address(0)) delegated += h.gBalance(a);
        }
        _eq("sum of votes == delegated supply", votes, delegated);
        _eq("RIDE supply", s.token.totalSupply(), h.gSupply());
    }

    /// @notice A past second's votes and supply are the model's at that second, and never change.
    function checkPastVotes() internal view {
        uint256 p = h.pastVoteCount();
        for (uint256 i = 0; i < p; i++) {
            (address a, uint256 t, uint256 votes, uint256 supply) = h.pastVotes(i);
            _eq("past votes", s.token.getPastVotes(a, t), votes);
            _eq("past supply", s.token.getPastTotalSupply(t), supply);
        }
    }

    /// @notice Every governed parameter is the model's, within its hard bound, changed when the
    /// model says (the step and the cooldown are checked at each execution); the governor's
    /// quorum is within [1%, 50%] and its other settings never moved.
    function checkParameters() internal view {
        for (uint256 i = 0; i < 14; i++) {
            bytes32 name = h.paramName(i);
            (uint256 value, uint256 min, uint256 max) = s.market.parameter(name);
            (uint256 hardMin, uint256 hardMax) = h.bounds(name);
            _eq("parameter", value, h.gParam(name));
            _eq("parameter min", min, hardMin);
            _eq("parameter max", max, hardMax);
            if (value < hardMin || value > hardMax) revert Mismatch("parameter out of bound", value, hardMax);
            _eq("parameter changed at", s.market.parameterChangedAt(name), h.gChangedAt(name));
        }
        uint256 q = s.governor.quorumNumerator();
        _eq("quorum percent", q, h.gQuorumPercent());
        if (q < 1 || q > 50) revert Mismatch("quorum out of bound", q, 50);
        _eq("proposal threshold", s.governor.proposalThreshold(), RideCoopDeploy.PROPOSAL_THRESHOLD);
        _eq("timelock delay", s.timelock.getMinDelay(), RideCoopDeploy.TIMELOCK_DELAY);
    }

    /// @notice The treasury is the model's; what left it went by executed proposals only, at
    /// most 10% of the treasury at each 30-day period's first spend; the market holds what it owes.
    function checkTreasury() internal view {
        (, uint256 owed, uint256 treasury, ) = s.market.totals();
        _eq("treasury", treasury, h.gTreasury());
        _eq("market owed", owed, h.gStakes() + h.gCredits() + h.gTreasury() + s.market.unsentRevenue());
        _eq("market balance", s.fareToken.balanceOf(address(s.market)), owed);
        if (h.gPeriodSpent() > h.gPeriodAllowance()) {
            revert Mismatch("treasury spent this period", h.gPeriodSpent(), h.gPeriodAllowance());
        }
    }

    /// @notice Each proposal's state, tallies and deadline are the model's.
    function checkProposals() internal view {
        uint256 n = h.proposalCount();
        for (uint256 i = 0; i < n; i++) {
            GovernanceHandler.GProposal memory p = h.proposal(i);
            _eq("proposal state", uint256(s.governor.state(p.id)), uint256(h.modelState(i)));
            (uint256 against, uint256 forVotes, uint256 abstain) = s.governor.proposalVotes(p.id);
            _eq("votes against", against, p.against);
            _eq("votes for", forVotes, p.forVotes);
            _eq("votes abstaining", abstain, p.abstain);
            _eq("proposal deadline", s.governor.proposalDeadline(p.id), p.deadline);
            if (p.captured) _eq("quorum", s.governor.quorum(p.snapshot), p.quorum);
        }
    }

    /// @notice RevenueShare: what entered (rides' holders' shares, deposits) is the model's; RIDE
    /// and the market hold all of it not yet claimed; claimable + claimed never exceeds what was
    /// shared, and the rounding kept back is at most one unit per deposit and per holder.
    function checkRevenue() internal view {
        (uint256 deposited, uint256 claimed, uint256 waiting) = s.token.revenueTotals();
        _eq("revenue deposited", deposited, h.gRevenue());
        _eq("revenue claimed", claimed, h.gRevenueClaimed());
        _eq(
            "revenue held by RIDE and the market",
            s.fareToken.balanceOf(address(s.token)) + s.market.unsentRevenue(),
            deposited - claimed
        );
        uint256 claimable;
        uint256 n = h.actorCount();
        for (uint256 i = 0; i < n; i++) claimable += s.token.claimableRevenue(h.actors(i));
        uint256 shareable = deposited - waiting;
        if (claimable + claimed > shareable) {
            revert Mismatch("claimable + claimed > shared", claimable + claimed, shareable);
        }
        uint256 dust = shareable - claimable - claimed;
        if (dust > h.gRevenueDeposits() + n) revert Mismatch("revenue dust", dust, h.gRevenueDeposits() + n);
    }

    function _eq(string memory what, uint256 suite, uint256 model) internal pure {
        if (suite != model) revert Mismatch(what, suite, model);
    }
}
