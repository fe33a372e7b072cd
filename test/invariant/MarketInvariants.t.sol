// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestUSD} from "../../contracts/mocks/TestUSD.sol";
import {MockRandomness} from "../../contracts/mocks/MockRandomness.sol";
import {IRideMarket} from "../../contracts/interfaces/IRideMarket.sol";
import {RideCoopDeploy} from "./helpers/RideCoopDeploy.sol";
import {MarketHandler} from "./handlers/MarketHandler.sol";

/// @title The market, RIDE and its revenue share against an independent model
/// @notice Forge calls MarketHandler's actions in random order (riders, drivers, a keeper,
/// holders, sybils, attackers, time warps, the timelock's treasury spends) and checks every
/// `invariant_` function after each call. docs/SECURITY.md lists what each one stands for.
contract MarketInvariants {
    error Mismatch(string what, uint256 suite, uint256 model);
    error Violation(string what, uint256 count);

    RideCoopDeploy.Suite internal s;
    MarketHandler internal h;

    function setUp() public {
        s = RideCoopDeploy.deploy(IERC20(address(new TestUSD())), new MockRandomness());
        h = new MarketHandler(s);
    }

    /// @dev Forge's hook: only the handler is called, never the suite directly.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(h);
    }

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @dev Forge's hook: the handler's actions, a new request three times as often as any
    /// other (rides are what every other action needs), the rest once.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory all = h.actions();
        bytes4[] memory weighted = new bytes4[](all.length + 2);
        for (uint256 i = 0; i < all.length; i++) weighted[i] = all[i];
        weighted[all.length] = MarketHandler.requestRide.selector;
        weighted[all.length + 1] = MarketHandler.requestRide.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(h), weighted);
    }

    /// @notice Every invariant below, after every call: one campaign checks them all (forge
    /// runs a separate campaign per `invariant_` function, so one function keeps every call
    /// counted once). The sweeps over every ride ever made and every recorded past vote run
    /// after every 16th action (they grow with the run); the latest 24 rides, where every
    /// action happens, are checked after each.
    function invariant_all() public view {
        checkMarketHoldsWhatItOwes();
        checkRevenueConserved();
        checkRideSupply();
        checkTreasuryOutflow();
        checkRidesFollowModel();
        checkCreditsFollowModel();
        checkVotes();
        checkNoViolations();
    }

    // ================================================================ money

    /// @notice Stablecoin held by the market == escrows + stakes + credits + treasury + unsent
    /// holders' revenue + donations not swept; the owed total is the same less the donations.
    function checkMarketHoldsWhatItOwes() internal view {
        uint256 unsent = s.market.unsentRevenue();
        uint256 owedModel = h.gEscrow() + h.gStakes() + h.gCredits() + h.gTreasury() + unsent;
        (, uint256 owed, uint256 treasury, ) = s.market.totals();
        _eq("market owed total", owed, owedModel);
        _eq("market treasury", treasury, h.gTreasury());
        _eq("market balance", s.fareToken.balanceOf(address(s.market)), owedModel + h.gDonations() - h.gSwept());
    }

    /// @notice Revenue: everything allotted to holders is in the accumulator; RIDE holds it (or
    /// the market until collected) until claimed; claimable + claimed never exceeds it, and the
    /// rounding kept back is at most one unit per deposit and per holder.
    function checkRevenueConserved() internal view {
        (uint256 deposited, uint256 claimed, uint256 waiting) = s.token.revenueTotals();
        _eq("revenue deposited", deposited, h.gHoldersRevenue());
        _eq("revenue claimed", claimed, h.gRevenueClaimed());
        _eq(
            "revenue held by RIDE and the market",
            s.fareToken.balanceOf(address(s.token)) + s.market.unsentRevenue(),
            h.gHoldersRevenue() - h.gRevenueClaimed()
        );
        uint256 claimable;
        uint256 n = h.actorCount();
        for (uint256 i = 0; i < n; i++) claimable += s.token.claimableRevenue(h.actors(i));
        uint256 shareable = h.gHoldersRevenue() - waiting;
        if (claimable + claimed > shareable)
            revert Mismatch("claimable + claimed > shared", claimable + claimed, shareable);
        uint256 dust = shareable - claimable - claimed;
        if (dust > h.gRevenueDeposits() + n) revert Mismatch("revenue dust", dust, h.gRevenueDeposits() + n);
    }

    /// @notice RIDE supply (minted + accrued) == rewards earned by confirmed rides <= the cap, and
    /// at most one RIDE per fare token of those rides; every minted RIDE was a claimed reward.
    function checkRideSupply() internal view {
        (, , , uint256 earned) = s.market.totals();
        _eq("RIDE supply + pending", s.token.totalSupply() + s.token.totalPending(), earned);
        _eq("RIDE minted", s.token.totalSupply(), h.gRewardsClaimed());
        if (earned > h.gRewardBound())
            revert Mismatch("RIDE above 1 per confirmed fare token", earned, h.gRewardBound());
        if (earned > s.token.cap()) revert Mismatch("RIDE above the cap", earned, s.token.cap());
    }

    /// @notice The treasury leaves only to the timelock, within the outflow rule.
    function checkTreasuryOutflow() internal view {
        _eq("timelock received", s.fareToken.balanceOf(address(s.timelock)), h.gTreasuryOut() + h.gSwept());
        if (h.gPeriodSpent() > h.gPeriodAllowance()) {
            revert Mismatch("treasury spent this period", h.gPeriodSpent(), h.gPeriodAllowance());
        }
    }

    // ================================================================ rides and accounts

    /// @notice Every ride is where the model's arrows put it (terminal rides never move again),
    /// with the modelled escrow; every driver's stake and lock match the model.
    function checkRidesFollowModel() internal view {
        uint256 n = h.rideCount();
        uint256 from = h.actionsTaken() % 16 == 0 || n < 24 ? 0 : n - 24;
        for (uint256 i = from; i < n; i++) {
            uint256 id = h.rideIds(i);
            IRideMarket.Ride memory ride = s.market.getRide(id);
            (, , , uint256 fare, IRideMarket.RideState state, , , , , , ) = h.gRides(id);
            _eq("ride state", uint256(ride.state), uint256(state));
            _eq("ride fare", ride.fare, fare);
        }
        uint256 m = h.actorCount();
        for (uint256 i = 0; i < m; i++) {
            address a = h.actors(i);
            IRideMarket.Account memory acc = s.market.getAccount(a);
            (bool registered, uint256 stake, uint256 openRides, uint256 activeRide) = h.gDrivers(a);
            _eq("driver stake", acc.stake, stake);
            _eq("driver open rides", acc.openRides, openRides);
            _eq("driver active ride", acc.activeRide, activeRide);
            _eq("driver registered", acc.registered ? 1 : 0, registered ? 1 : 0);
        }
    }

    /// @notice No account's credit moves but by the model's credits and its own withdrawals.
    function checkCreditsFollowModel() internal view {
        uint256 n = h.actorCount();
        for (uint256 i = 0; i < n; i++) {
            address a = h.actors(i);
            _eq("credit", s.market.creditOf(a), h.gCredit(a));
        }
        _eq("keeper credit", s.market.creditOf(h.keeper()), 0);
        _eq("attacker credit", s.market.creditOf(h.attacker()), 0);
    }

    // ================================================================ votes

    /// @notice The sum of votes == the delegated supply; a past timepoint's votes never change.
    function checkVotes() internal view {
        uint256 votes;
        uint256 delegated;
        uint256 n = h.actorCount();
        for (uint256 i = 0; i < n; i++) {
            address a = h.actors(i);
            votes += s.token.getVotes(a);
            if (s.token.delegates(a) != address(0)) delegated += s.token.balanceOf(a);
        }
        _eq("votes == delegated supply", votes, delegated);
        uint256 p = h.actionsTaken() % 16 == 0 ? h.pastVoteCount() : 0;
        for (uint256 i = 0; i < p; i++) {
            (address a, uint256 t, uint256 recorded) = h.pastVotes(i);
            _eq("past votes", s.token.getPastVotes(a, t), recorded);
        }
    }

    /// @notice No action succeeded from a state the design forbids, no refused exit, no
    /// stranger moved a ride or used a governance power (the handler counts each).
    function checkNoViolations() internal view {
        if (h.violations() != 0) revert Violation(h.lastViolation(), h.violations());
    }

    function _eq(string memory what, uint256 suite, uint256 model) internal pure {
        if (suite != model) revert Mismatch(what, suite, model);
    }
}
