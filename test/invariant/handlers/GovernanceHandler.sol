// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {CoopToken} from "../../../contracts/token/CoopToken.sol";
import {CoopGovernor} from "../../../contracts/governance/CoopGovernor.sol";
import {ICoopGovernor} from "../../../contracts/interfaces/ICoopGovernor.sol";
import {IRideMarket} from "../../../contracts/interfaces/IRideMarket.sol";
import {RideCoopDeploy} from "../helpers/RideCoopDeploy.sol";
import {VM} from "../helpers/Vm.sol";

/// @title Holders, an attacker and the clock governing the suite through the real governor
/// @notice Holders earn RIDE by confirmed rides (the market's reward path), move and delegate it,
/// propose bounded parameter changes, treasury spends and governor settings, vote, queue and
/// execute after the timelock delay. An attacker buys RIDE from holders, farms it with its own
/// sybil rider, and votes with borrowed RIDE in the block it holds it. An independent model
/// follows balances, delegations and votes (each proposal's weights fixed when its snapshot
/// passes), the tallies, every proposal's state, the market's parameters with their bounds, steps
/// and cooldowns, and the treasury with its outflow rule; the model decides whether each
/// propose, vote, queue and execute must succeed or fail, and with which error.
// solhint-disable-next-line max-states-count
contract GovernanceHandler {
    uint256 internal constant UNIT = RideCoopDeploy.FARE_UNIT;
    uint256 internal constant N_ACTORS = 8; // six holders, the attacker, its sybil
    uint256 internal constant TIMELOCK_DELAY = RideCoopDeploy.TIMELOCK_DELAY;
    uint256 internal constant VOTING_DELAY = RideCoopDeploy.VOTING_DELAY;
    uint256 internal constant VOTING_PERIOD = RideCoopDeploy.VOTING_PERIOD;
    uint256 internal constant LATE_QUORUM = RideCoopDeploy.LATE_QUORUM_EXTENSION;
    uint256 internal constant THRESHOLD = RideCoopDeploy.PROPOSAL_THRESHOLD;
    uint256 internal constant COOLDOWN = 7 days;
    uint256 internal constant TREASURY_PERIOD = 30 days;
    uint256 internal constant MAX_PROPOSALS = 48;
    uint256 internal constant MAX_PAST = 48;
    bytes6 internal constant CELL = "u4pruy";

    /// @dev One call of a proposal: a parameter change, a treasury spend or a quorum change.
    enum Kind {
        Parameter,
        Treasury,
        Quorum
    }

    struct Op {
        Kind kind;
        bytes32 name;
        uint256 value; // the new value, or the amount spent
        address to;
    }

    struct GProposal {
        uint256 id;
        address proposer;
        uint256 snapshot;
        uint256 deadline;
        bool captured; // the snapshot passed: weights and quorum are fixed
        uint256 quorum;
        bool extended;
        uint256 against;
        uint256 forVotes;
        uint256 abstain;
        uint256 eta;
        bool executed;
        string description;
    }

    RideCoopDeploy.Suite internal _s;
    TestUSD public immutable usd;
    IRideMarket public immutable market;
    CoopToken public immutable token;
    CoopGovernor public immutable governor;

    address[] public actors;
    address public immutable attacker;
    address public immutable sybil;

    // ---------------------------------------------------------------- RIDE and votes (model)
    mapping(address => uint256) public gBalance;
    mapping(address => address) public gDelegate;
    mapping(address => uint256) public gVotes;
    uint256 public gSupply;
    /// @dev Each actor's votes at the end of the latest past second (what `propose` reads).
    mapping(address => uint256) internal _prevVotes;

    struct PastVote {
        address account;
        uint256 timepoint;
        uint256 votes;
        uint256 supply;
    }
    PastVote[] public pastVotes;

    // ---------------------------------------------------------------- proposals (model)
    GProposal[] internal _proposals;
    mapping(uint256 index => Op[]) internal _ops;
    mapping(uint256 index => mapping(address => uint256)) internal _weight;
    mapping(uint256 index => mapping(address => bool)) internal _voted;
    mapping(address => uint256) internal _latest; // index + 1 of each proposer's latest proposal
    uint256 public gQuorumPercent = RideCoopDeploy.QUORUM_PERCENT;

    // ---------------------------------------------------------------- the market (model)
    bytes32[14] internal _names = [
        bytes32("feeBps"),
        "holdersShareBps",
        "rewardPerToken",
        "gracePeriod",
        "pickupWindow",
        "noShowWindow",
        "confirmWindow",
        "rideWindow",
        "minStake",
        "cancellationFee",
        "noShowPenalty",
        "pairFareCap",
        "driverFareCap",
        "minFare"
    ];
    mapping(bytes32 name => uint256) public gParam;
    mapping(bytes32 name => uint256) public gChangedAt;
    uint256 public gStakes;
    uint256 public gCredits;
    uint256 public gTreasury;
    uint256 public gTreasuryOut;
    uint256 public gPeriod;
    uint256 public gPeriodAllowance;
    uint256 public gPeriodSpent;

    uint256 public violations;
    string public lastViolation;
    mapping(bytes32 action => uint256) public calls;
    uint256 public actionsTaken;

    // ---------------------------------------------------------------- revenue (model)
    uint256 public gRevenue; // the rides' holders' shares plus direct deposits
    uint256 public gRevenueDeposits; // how many times revenue entered the accumulator
    uint256 public gRevenueClaimed;
    mapping(address => uint256) public gClaimedBy;
    /// @dev The highest claimable + claimed seen per actor: nothing but a deposit moves it.
    mapping(address => uint256) public gRevenueFloor;

    modifier counted() {
        actionsTaken++;
        _;
        _checkClaimables();
    }

    constructor(RideCoopDeploy.Suite memory suite_) {
        _s = suite_;
        usd = TestUSD(address(suite_.fareToken));
        market = suite_.market;
        token = suite_.token;
        governor = suite_.governor;
        for (uint256 i = 0; i < 6; i++) actors.push(address(uint160(0xC000 + i)));
        attacker = address(0xBAD);
        sybil = address(0xBAD1);
        actors.push(attacker);
        actors.push(sybil);
        for (uint256 i = 0; i < 14; i++) {
            (uint256 value, , ) = market.parameter(_names[i]);
            gParam[_names[i]] = value;
        }
        // The contract's treasury period starts unopened at the deployment's period.
        gPeriod = type(uint256).max;
        for (uint256 i = 0; i < N_ACTORS; i++) {
            address a = actors[i];
            VM.prank(a);
            usd.faucet(1_000 * UNIT);
            VM.startPrank(a);
            usd.approve(address(market), type(uint256).max);
            usd.approve(address(token), type(uint256).max);
            market.registerDriver(60 * UNIT);
            VM.stopPrank();
            gStakes += 60 * UNIT;
        }
        // The holders' first RIDE: each drives the next one for the pair cap (40 tUSD).
        for (uint256 i = 0; i < 6; i++) _ride(actors[i], actors[(i + 1) % 6], 40 * UNIT);
        _warpTo(block.timestamp + 1);
    }

    /// @notice The actions forge calls.
    function actions() external pure returns (bytes4[] memory a) {
        a = new bytes4[](15);
        a[13] = this.depositRevenue.selector;
        a[14] = this.claimRevenue.selector;
        a[0] = this.earn.selector;
        a[1] = this.attackerFarm.selector;
        a[2] = this.transfer.selector;
        a[3] = this.attackerBuy.selector;
        a[4] = this.delegate.selector;
        a[5] = this.propose.selector;
        a[6] = this.castVote.selector;
        a[7] = this.flashVote.selector;
        a[8] = this.queue.selector;
        a[9] = this.execute.selector;
        a[10] = this.warp.selector;
        a[11] = this.attackerPropose.selector;
        a[12] = this.attackerShortcut.selector;
    }

    function actorCount() external pure returns (uint256) {
        return N_ACTORS;
    }

    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    function pastVoteCount() external view returns (uint256) {
        return pastVotes.length;
    }

    function proposal(uint256 i) external view returns (GProposal memory) {
        return _proposals[i];
    }

    function paramName(uint256 i) external view returns (bytes32) {
        return _names[i];
    }

    /// @notice The model's state of proposal `i` (the governor's rules, written out).
    function modelState(uint256 i) public view returns (IGovernor.ProposalState) {
        GProposal storage p = _proposals[i];
        if (p.executed) return IGovernor.ProposalState.Executed;
        if (block.timestamp <= p.snapshot) return IGovernor.ProposalState.Pending;
        if (block.timestamp <= p.deadline) return IGovernor.ProposalState.Active;
        if (p.forVotes + p.abstain < p.quorum || p.forVotes <= p.against) return IGovernor.ProposalState.Defeated;
        if (p.eta == 0) return IGovernor.ProposalState.Succeeded;
        return IGovernor.ProposalState.Queued;
    }

    // ================================================================ RIDE

    /// @notice A confirmed ride between two actors; the driver claims the RIDE it earned.
    function earn(uint256 driverSeed, uint256 riderSeed, uint256 fareSeed) external counted {
        address driver = _actor(driverSeed);
        address rider = _actor(riderSeed);
        if (driver == rider) return;
        _tryRide(driver, rider, UNIT + (fareSeed % (40 * UNIT)));
    }

    /// @notice The attacker farms RIDE: its sybil rides with it.
    function attackerFarm(uint256 fareSeed) external counted {
        _tryRide(attacker, sybil, UNIT + (fareSeed % (40 * UNIT)));
        calls["attackerFarm"]++;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external counted {
        address from = _actor(fromSeed);
        _move(from, _actor(toSeed), amount % (gBalance[from] + 1));
    }

    /// @notice The attacker buys RIDE from a holder (and pays it in tUSD).
    function attackerBuy(uint256 sellerSeed, uint256 amount) external counted {
        address seller = actors[sellerSeed % 6];
        amount = amount % (gBalance[seller] + 1);
        if (usd.balanceOf(attacker) >= amount / 1e12) {
            VM.prank(attacker);
            usd.transfer(seller, amount / 1e12);
        }
        _move(seller, attacker, amount);
        calls["attackerBuy"]++;
    }

    function delegate(uint256 fromSeed, uint256 toSeed) external counted {
        address from = _actor(fromSeed);
        // One delegation in eight is withdrawn (to the zero address).
        address to = toSeed % 8 == 0 ? address(0) : _actor(toSeed >> 3);
        VM.prank(from);
        token.delegate(to);
        _moveVotes(gDelegate[from], to, gBalance[from]);
        gDelegate[from] = to;
        calls["delegate"]++;
    }

    // ================================================================ revenue

    function depositRevenue(uint256 actorSeed, uint256 amount) external counted {
        address a = _actor(actorSeed);
        amount = 1 + (amount % (10 * UNIT));
        if (usd.balanceOf(a) < amount) return;
        VM.prank(a);
        token.depositRevenue(amount);
        gRevenue += amount;
        gRevenueDeposits++;
        calls["depositRevenue"]++;
    }

    function claimRevenue(uint256 actorSeed) external counted {
        address a = _actor(actorSeed);
        VM.prank(a);
        try token.claimRevenue(a) returns (uint256 amount) {
            gRevenueClaimed += amount;
            gClaimedBy[a] += amount;
            calls["claimRevenue"]++;
        } catch {
            if (token.claimableRevenue(a) != 0) _violation("a holder could not claim its revenue");
        }
    }

    /// @dev No holder's claimable revenue decreases but by its own claim: claimable + claimed
    /// never goes down, whatever the others do (transfers, flash loans, releases, claims).
    function _checkClaimables() internal {
        for (uint256 i = 0; i < N_ACTORS; i++) {
            address a = actors[i];
            uint256 total = token.claimableRevenue(a) + gClaimedBy[a];
            if (total < gRevenueFloor[a]) _violation("a holder's claimable revenue fell but by its own claim");
            gRevenueFloor[a] = total;
        }
    }

    // ================================================================ governance

    function propose(uint256 proposerSeed, uint256 kindSeed, uint256 valueSeed) external counted {
        _propose(_actor(proposerSeed), kindSeed, valueSeed);
    }

    /// @notice The attacker's proposal: the whole treasury to itself, or the fee to its bound.
    function attackerPropose(uint256 seed) external counted {
        Op[] memory ops = new Op[](1);
        if (seed % 2 == 0) ops[0] = Op(Kind.Treasury, "", gTreasury, attacker);
        else ops[0] = Op(Kind.Parameter, "feeBps", 1_000, address(0));
        _submit(attacker, ops);
        calls["attackerPropose"]++;
    }

    function castVote(uint256 voterSeed, uint256 proposalSeed, uint8 support) external counted {
        if (_proposals.length == 0) return;
        uint256 i = _pick(proposalSeed, IGovernor.ProposalState.Pending, IGovernor.ProposalState.Active);
        // Mostly the voters wait for the snapshot; sometimes one tries to vote before it.
        if (proposalSeed % 8 != 0 && modelState(i) == IGovernor.ProposalState.Pending) {
            _warpTo(_proposals[i].snapshot + 1);
        }
        // Against, for (three times in five), abstain.
        support = support % 5;
        _vote(
            _actor(voterSeed),
            i,
            support == 0
                ? 0
                : support == 4
                    ? 2
                    : 1
        );
    }

    /// @notice The attacker borrows a holder's RIDE, delegates to itself, votes and repays in one
    /// second: the borrowed RIDE must weigh nothing on a proposal whose snapshot has passed.
    function flashVote(uint256 lenderSeed, uint256 proposalSeed) external counted {
        if (_proposals.length == 0) return;
        address lender = actors[lenderSeed % 6];
        uint256 amount = gBalance[lender];
        _move(lender, attacker, amount);
        if (gDelegate[attacker] != attacker) {
            VM.prank(attacker);
            token.delegate(attacker);
            _moveVotes(gDelegate[attacker], attacker, gBalance[attacker]);
            gDelegate[attacker] = attacker;
        }
        _vote(attacker, _index(proposalSeed), 1);
        _move(attacker, lender, amount);
        calls["flashVote"]++;
    }

    /// @notice Queues a proposal (sometimes after jumping past its deadline).
    function queue(uint256 proposalSeed, bool jump) external counted {
        if (_proposals.length == 0) return;
        uint256 i = _pick(proposalSeed, IGovernor.ProposalState.Active, IGovernor.ProposalState.Succeeded);
        GProposal storage p = _proposals[i];
        if (jump && p.deadline >= block.timestamp) _warpTo(p.deadline + 1);
        bool expected = modelState(i) == IGovernor.ProposalState.Succeeded;
        (address[] memory targets, uint256[] memory values, bytes[] memory datas) = _calls(i);
        try governor.queue(targets, values, datas, keccak256(bytes(p.description))) {
            if (!expected) _violation("queued a proposal the model says has not succeeded");
            p.eta = block.timestamp + TIMELOCK_DELAY;
            if (governor.proposalEta(p.id) != p.eta) _violation("queued with another eta than the timelock delay");
            calls["queue"]++;
        } catch {
            if (expected) _violation("a succeeded proposal could not be queued");
        }
    }

    /// @notice Executes a proposal (sometimes after jumping to its eta): it must succeed exactly
    /// when it is queued, ready, and every call in it is within the market's rules.
    function execute(uint256 proposalSeed, bool jump) external counted {
        if (_proposals.length == 0) return;
        uint256 i = _pick(proposalSeed, IGovernor.ProposalState.Queued, IGovernor.ProposalState.Queued);
        GProposal storage p = _proposals[i];
        if (jump && p.eta > block.timestamp) _warpTo(p.eta);
        bool queued = modelState(i) == IGovernor.ProposalState.Queued;
        bool ready = queued && block.timestamp >= p.eta;
        bytes4 expectedError = ready ? _simulate(i) : bytes4(0);
        (address[] memory targets, uint256[] memory values, bytes[] memory datas) = _calls(i);
        try governor.execute(targets, values, datas, keccak256(bytes(p.description))) {
            if (!ready) _violation("executed a proposal that was not queued and ready");
            else if (expectedError != bytes4(0)) _violation("executed a call the market's rules refuse");
            p.executed = true;
            _apply(i);
            calls["execute"]++;
        } catch (bytes memory err) {
            if (ready && expectedError == bytes4(0)) _violation("a queued, ready, lawful proposal failed");
            else if (ready && bytes4(err) != expectedError) _violation("a proposal failed with another error");
            if (ready) calls["executeRefused"]++;
        }
    }

    /// @notice The attacker tries the shortcuts: the timelock directly, the market's setter and
    /// treasury, a second vote, a stranger's cancel. All must be refused.
    function attackerShortcut(uint256 seed) external counted {
        uint256 op = seed % 4;
        bytes memory data;
        address target = address(market);
        if (op == 0) data = abi.encodeCall(IRideMarket.setParameter, ("feeBps", 600));
        else if (op == 1) data = abi.encodeCall(IRideMarket.withdrawTreasury, (attacker, gTreasury / 20));
        else if (op == 2) {
            target = address(_s.timelock);
            data = abi.encodeWithSignature("updateDelay(uint256)", 0);
        } else {
            if (_proposals.length == 0) return;
            uint256 i = _index(seed >> 2);
            if (_proposals[i].proposer == attacker) return;
            (address[] memory targets, uint256[] memory values, bytes[] memory datas) = _calls(i);
            bytes32 h = keccak256(bytes(_proposals[i].description));
            target = address(governor);
            data = abi.encodeCall(IGovernor.cancel, (targets, values, datas, h));
        }
        VM.prank(attacker);
        (bool ok, ) = target.call(data);
        if (ok) _violation("the attacker took a governance shortcut");
        calls["attackerShortcut"]++;
    }

    function warp(uint256 secondsSeed) external counted {
        uint256 kind = secondsSeed % 8;
        uint256 step;
        if (kind < 5) step = secondsSeed % 10 minutes;
        else if (kind < 7) step = secondsSeed % 8 days;
        else step = secondsSeed % 31 days;
        _warpTo(block.timestamp + 1 + step);
        calls["warp"]++;
    }

    // ================================================================ proposals

    function _propose(address proposer, uint256 kindSeed, uint256 valueSeed) internal {
        uint256 kind = kindSeed % 10;
        Op[] memory ops;
        if (kind < 6) {
            ops = new Op[](1);
            ops[0] = _parameterOp(valueSeed);
        } else if (kind < 8) {
            // One spend, or two that together pass the period's allowance.
            ops = new Op[](kind == 6 ? 1 : 2);
            uint256 allowance = _allowanceNow();
            for (uint256 j = 0; j < ops.length; j++) {
                uint256 amount = kind == 6 ? valueSeed % (allowance + 2) : (allowance * 6) / 10 + 1;
                ops[j] = Op(Kind.Treasury, "", amount, _actor(valueSeed >> 8));
            }
        } else if (kind == 8) {
            ops = new Op[](2);
            ops[0] = _parameterOp(valueSeed);
            // The same parameter twice: the second change is inside the first one's cooldown.
            uint256 other = valueSeed >> 128;
            ops[1] = _parameterOp(other - (other % 14) + (valueSeed % 14));
        } else {
            ops = new Op[](1);
            ops[0] = Op(Kind.Quorum, "", valueSeed % 61, address(0)); // bound [1, 50]
        }
        _submit(proposer, ops);
    }

    /// @dev A parameter change: mostly within the step, sometimes one past it or past the bound.
    function _parameterOp(uint256 seed) internal view returns (Op memory) {
        bytes32 name = _names[seed % 14];
        (uint256 min, uint256 max) = _bounds(name);
        uint256 cur = gParam[name];
        uint256 step = (max - min) / 4;
        uint256 mode = (seed >> 8) % 8;
        uint256 value;
        if (mode == 0) value = (seed >> 16) % 2 == 0 ? max + 1 : (min == 0 ? max + 2 : min - 1);
        else if (mode == 1) value = (seed >> 16) % 2 == 0 ? cur + step + 1 : (cur > step ? cur - step - 1 : max + 1);
        else {
            uint256 delta = (seed >> 16) % (step + 1);
            value = (seed >> 24) % 2 == 0 ? cur + delta : (cur > delta ? cur - delta : 0);
            if (value > max) value = max;
            if (value < min) value = min;
        }
        return Op(Kind.Parameter, name, value, address(0));
    }

    function _submit(address proposer, Op[] memory ops) internal {
        if (_proposals.length >= MAX_PROPOSALS) return;
        uint256 index = _proposals.length;
        string memory description = string.concat("RideCoop proposal #", _itoa(index));
        (address[] memory targets, uint256[] memory values, bytes[] memory datas) = _encode(ops);
        bool expected = _prevVotes[proposer] >= THRESHOLD && !_hasLiveProposal(proposer);
        VM.prank(proposer);
        try governor.propose(targets, values, datas, description) returns (uint256 id) {
            if (!expected) _violation("a proposal below the threshold or beside a live one was accepted");
            GProposal storage p = _proposals.push();
            p.id = id;
            p.proposer = proposer;
            p.snapshot = block.timestamp + VOTING_DELAY;
            p.deadline = p.snapshot + VOTING_PERIOD;
            p.description = description;
            for (uint256 j = 0; j < ops.length; j++) _ops[index].push(ops[j]);
            _latest[proposer] = index + 1;
            if (governor.proposalSnapshot(id) != p.snapshot) _violation("proposal snapshot");
            calls["propose"]++;
        } catch (bytes memory err) {
            if (expected) _violation("a holder above the threshold could not propose");
            if (!expected && bytes4(err) != IGovernor.GovernorInsufficientProposerVotes.selector) {
                if (bytes4(err) != ICoopGovernor.ProposerHasLiveProposal.selector) {
                    _violation("a refused proposal gave another error");
                }
            }
        }
    }

    function _hasLiveProposal(address proposer) internal view returns (bool) {
        uint256 latest = _latest[proposer];
        if (latest == 0) return false;
        IGovernor.ProposalState st = modelState(latest - 1);
        return st == IGovernor.ProposalState.Pending || st == IGovernor.ProposalState.Active;
    }

    function _vote(address voter, uint256 i, uint8 support) internal {
        GProposal storage p = _proposals[i];
        bool expected = modelState(i) == IGovernor.ProposalState.Active && !_voted[i][voter];
        VM.prank(voter);
        try governor.castVote(p.id, support) returns (uint256 weight) {
            if (!expected) _violation("a vote outside the voting period or a second vote counted");
            if (weight != _weight[i][voter]) _violation("a vote weighed other than the voter's votes at the snapshot");
            _voted[i][voter] = true;
            if (support == 0) p.against += weight;
            else if (support == 1) p.forVotes += weight;
            else p.abstain += weight;
            // GovernorPreventLateQuorum: the first vote that reaches quorum sets an extension.
            if (!p.extended && p.forVotes + p.abstain >= p.quorum) {
                p.extended = true;
                if (block.timestamp + LATE_QUORUM > p.deadline) p.deadline = block.timestamp + LATE_QUORUM;
            }
            calls["castVote"]++;
        } catch {
            if (expected) _violation("an active proposal refused a first vote");
        }
    }

    /// @dev The first call of proposal `i` the market or the governor must refuse, as its error
    /// selector (zero: every call is lawful), checked call by call on a copy of the model.
    function _simulate(uint256 i) internal view returns (bytes4) {
        Op[] storage ops = _ops[i];
        uint256 allowance = _allowanceNow();
        bytes32[2] memory changed;
        for (uint256 j = 0; j < ops.length; j++) {
            Op storage op = ops[j];
            if (op.kind == Kind.Treasury) {
                if (op.value > allowance) return IRideMarket.TreasuryOutflowLimit.selector;
                allowance -= op.value;
            } else if (op.kind == Kind.Quorum) {
                if (op.value < 1 || op.value > 50) return ICoopGovernor.GovernorSettingOutOfBounds.selector;
            } else {
                (uint256 min, uint256 max) = _bounds(op.name);
                if (op.value < min || op.value > max) return IRideMarket.ParameterOutOfBounds.selector;
                uint256 last = gChangedAt[op.name];
                // A second change of the same name in one proposal is inside its own cooldown.
                if (changed[0] == op.name || (last != 0 && block.timestamp < last + COOLDOWN)) {
                    return IRideMarket.ParameterChangeTooSoon.selector;
                }
                uint256 cur = gParam[op.name];
                if ((op.value > cur ? op.value - cur : cur - op.value) > (max - min) / 4) {
                    return IRideMarket.ParameterChangeTooLarge.selector;
                }
                changed[0] = op.name;
            }
        }
        return bytes4(0);
    }

    /// @dev An executed proposal's calls, applied to the model.
    function _apply(uint256 i) internal {
        Op[] storage ops = _ops[i];
        for (uint256 j = 0; j < ops.length; j++) {
            Op storage op = ops[j];
            if (op.kind == Kind.Treasury) {
                _openPeriod();
                gPeriodSpent += op.value;
                gTreasury -= op.value;
                gTreasuryOut += op.value;
            } else if (op.kind == Kind.Quorum) {
                gQuorumPercent = op.value;
            } else {
                uint256 cur = gParam[op.name];
                (uint256 min, uint256 max) = _bounds(op.name);
                if ((op.value > cur ? op.value - cur : cur - op.value) > (max - min) / 4) {
                    _violation("a parameter moved more than its step");
                }
                if (gChangedAt[op.name] != 0 && block.timestamp < gChangedAt[op.name] + COOLDOWN) {
                    _violation("a parameter changed inside its cooldown");
                }
                gParam[op.name] = op.value;
                gChangedAt[op.name] = block.timestamp;
            }
        }
    }

    /// @dev The treasury rule: the allowance is 10% of the treasury at the period's first spend.
    function _openPeriod() internal {
        uint256 period = block.timestamp / TREASURY_PERIOD;
        if (period != gPeriod) {
            gPeriod = period;
            gPeriodAllowance = gTreasury / 10;
            gPeriodSpent = 0;
        }
    }

    function _allowanceNow() internal view returns (uint256) {
        return block.timestamp / TREASURY_PERIOD == gPeriod ? gPeriodAllowance - gPeriodSpent : gTreasury / 10;
    }

    function _encode(
        Op[] memory ops
    ) internal view returns (address[] memory targets, uint256[] memory values, bytes[] memory datas) {
        targets = new address[](ops.length);
        values = new uint256[](ops.length);
        datas = new bytes[](ops.length);
        for (uint256 j = 0; j < ops.length; j++) {
            Op memory op = ops[j];
            if (op.kind == Kind.Treasury) {
                targets[j] = address(market);
                datas[j] = abi.encodeCall(IRideMarket.withdrawTreasury, (op.to, op.value));
            } else if (op.kind == Kind.Quorum) {
                targets[j] = address(governor);
                datas[j] = abi.encodeWithSignature("updateQuorumNumerator(uint256)", op.value);
            } else {
                targets[j] = address(market);
                datas[j] = abi.encodeCall(IRideMarket.setParameter, (op.name, op.value));
            }
        }
    }

    function _calls(
        uint256 i
    ) internal view returns (address[] memory targets, uint256[] memory values, bytes[] memory datas) {
        Op[] storage stored = _ops[i];
        Op[] memory ops = new Op[](stored.length);
        for (uint256 j = 0; j < ops.length; j++) ops[j] = stored[j];
        return _encode(ops);
    }

    /// @dev The hard bounds, written out again (ParameterRules.bounds, 6-decimal fare token).
    function _bounds(bytes32 name) internal pure returns (uint256 min, uint256 max) {
        if (name == "feeBps") return (0, 1_000);
        if (name == "holdersShareBps") return (0, 10_000);
        if (name == "rewardPerToken") return (0, 10e18);
        if (name == "gracePeriod") return (0, 15 minutes);
        if (name == "pickupWindow") return (5 minutes, 2 hours);
        if (name == "noShowWindow") return (2 minutes, 1 hours);
        if (name == "confirmWindow") return (10 minutes, 7 days);
        if (name == "rideWindow") return (1 hours, 2 days);
        if (name == "minStake") return (UNIT, 10_000 * UNIT);
        if (name == "cancellationFee") return (0, 50 * UNIT);
        if (name == "noShowPenalty") return (0, 100 * UNIT);
        if (name == "pairFareCap") return (0, 10_000 * UNIT);
        if (name == "driverFareCap") return (0, 100_000 * UNIT);
        return (UNIT / 10, 50 * UNIT); // minFare
    }

    function bounds(bytes32 name) external pure returns (uint256 min, uint256 max) {
        return _bounds(name);
    }

    // ================================================================ rides

    function _tryRide(address driver, address rider, uint256 fare) internal {
        IRideMarket.Account memory acc = market.getAccount(driver);
        uint256 minStake = gParam["minStake"];
        if (acc.stake < minStake) {
            uint256 need = minStake - acc.stake;
            _topUp(driver, need);
            if (usd.balanceOf(driver) < need) return;
            VM.prank(driver);
            market.addStake(need);
            gStakes += need;
        }
        _topUp(rider, fare);
        if (usd.balanceOf(rider) < fare) return;
        _ride(driver, rider, fare);
        calls["ride"]++;
    }

    function _topUp(address a, uint256 need) internal {
        if (usd.balanceOf(a) < need && usd.faucetCooldownLeft(a) == 0) {
            VM.prank(a);
            usd.faucet(1_000 * UNIT);
        }
    }

    /// @dev A whole ride in one second: request naming the driver, accept, start, complete,
    /// confirm; then the driver claims what it earned. Must always work between funded actors.
    function _ride(address driver, address rider, uint256 fare) internal {
        IRideMarket.RideRequest memory req = IRideMarket.RideRequest({
            pickupCell: CELL,
            dropoffCell: CELL,
            commitment: keccak256(abi.encode(driver, rider, fare)),
            maxFare: fare,
            expiresAt: uint40(block.timestamp + 600),
            minRating: 0,
            driver: driver
        });
        VM.prank(rider);
        uint256 id = market.requestRide(req);
        VM.startPrank(driver);
        market.acceptRide(id, fare);
        market.startRide(id);
        market.completeRide(id);
        VM.stopPrank();
        VM.prank(rider);
        market.confirmRide(id, 5);
        uint256 fee = (fare * gParam["feeBps"]) / 10_000;
        uint256 holders = (fee * gParam["holdersShareBps"]) / 10_000;
        gTreasury += fee - holders;
        gCredits += fare - fee;
        if (holders != 0) {
            gRevenue += holders;
            gRevenueDeposits++;
        }
        if (market.rewardsOf(driver).accrued != 0) {
            VM.prank(driver);
            uint256 reward = market.claimRewards();
            // RIDE's release delegates an undelegated account to itself, then mints.
            if (gDelegate[driver] == address(0)) {
                _moveVotes(address(0), driver, gBalance[driver]);
                gDelegate[driver] = driver;
            }
            gBalance[driver] += reward;
            gSupply += reward;
            _moveVotes(address(0), gDelegate[driver], reward);
        }
    }

    // ================================================================ internals

    function _move(address from, address to, uint256 amount) internal {
        VM.prank(from);
        token.transfer(to, amount);
        gBalance[from] -= amount;
        gBalance[to] += amount;
        _moveVotes(gDelegate[from], gDelegate[to], amount);
        calls["transfer"]++;
    }

    function _moveVotes(address from, address to, uint256 amount) internal {
        if (from != address(0)) gVotes[from] -= amount;
        if (to != address(0)) gVotes[to] += amount;
    }

    /// @dev Time moves only here: the second that ends is final, so each proposal whose snapshot
    /// lies in [now, t) takes the model's votes and supply now, and one past vote is recorded.
    function _warpTo(uint256 t) internal {
        uint256 now_ = block.timestamp;
        for (uint256 i = 0; i < _proposals.length; i++) {
            GProposal storage p = _proposals[i];
            if (p.captured || p.snapshot >= t) continue;
            p.captured = true;
            p.quorum = (gSupply * gQuorumPercent) / 100;
            for (uint256 k = 0; k < N_ACTORS; k++) _weight[i][actors[k]] = gVotes[actors[k]];
        }
        for (uint256 k = 0; k < N_ACTORS; k++) _prevVotes[actors[k]] = gVotes[actors[k]];
        if (pastVotes.length < MAX_PAST) {
            address a = actors[t % N_ACTORS];
            pastVotes.push(PastVote(a, now_, gVotes[a], gSupply));
        }
        VM.warp(t);
        VM.roll(block.number + 1);
    }

    function _index(uint256 seed) internal view returns (uint256) {
        // Mostly the latest four proposals, where the voting happens.
        uint256 n = _proposals.length;
        uint256 window = seed % 4 == 0 ? n : (n < 4 ? n : 4);
        return n - 1 - ((seed >> 2) % window);
    }

    /// @dev Three times in four the latest proposal in state `a` or `b`, else any (`_index`).
    function _pick(uint256 seed, IGovernor.ProposalState a, IGovernor.ProposalState b) internal view returns (uint256) {
        if (seed % 4 != 0) {
            for (uint256 i = _proposals.length; i > 0; i--) {
                IGovernor.ProposalState st = modelState(i - 1);
                if (st == a || st == b) return i - 1;
            }
        }
        return _index(seed >> 2);
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % N_ACTORS];
    }

    function _violation(string memory why) internal {
        violations++;
        lastViolation = why;
    }

    function _itoa(uint256 v) internal pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory b;
        while (v != 0) {
            b = abi.encodePacked(bytes1(uint8(48 + (v % 10))), b);
            v /= 10;
        }
        return string(b);
    }
}
