// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ICoopToken} from "../interfaces/ICoopToken.sol";
import {IRevenueSource} from "../interfaces/IRevenueSource.sol";
import {RevenueShare} from "./RevenueShare.sol";

/// @title CoopToken (RIDE)
/// @notice The cooperative's token: earned by drivers for finalized rides, voting on the fees
/// (ERC20Votes, timestamp clock) and receiving the holders' share of fee revenue.
/// There is no owner, no admin mint, no pause and no burn: the only way RIDE comes into being
/// is a ride, through the one minter fixed at deployment.
contract CoopToken is ERC20, ERC20Permit, ERC20Votes, ERC20Capped, RevenueShare, ERC2771Context, ICoopToken {
    /// @notice Weeks of holders' revenue one RIDE is appraised at (see `appraise`).
    uint256 public constant VALUE_HORIZON = 52;
    /// @notice The market sells RIDE for fees at no less than this premium over its appraisal,
    /// so that farming RIDE costs more than it is worth. See docs/TOKEN.md.
    uint256 public constant ISSUE_PREMIUM_BPS = 12_500;
    /// @notice Rates are read since a mark at least this old: no caller picks a quiet window.
    uint256 public constant MARK_SPACING = 7 days;

    address private immutable _initializer;
    address private _minter;

    /// @dev All revenue shared, the treasury and all RIDE issued (minted or accrued: RIDE is never
    /// burned) at a time. Two slots.
    struct RateMark {
        uint128 revenue;
        uint128 treasury;
        uint96 shares;
        uint32 time;
    }

    /// @dev [0] the older mark, [1] the newer: the newer is at least `MARK_SPACING` after the older.
    RateMark[2] private _marks;

    /// @param cap_ Hard supply cap, in the smallest unit (18 decimals).
    /// @param revenueToken_ The fare stablecoin, in which the holders' share of fees is paid.
    /// @param governance_ The timelock: the only address that may sweep surplus tokens.
    /// @param trustedForwarder_ The suite's ERC-2771 forwarder: transfers, delegation and revenue
    /// claims it relays act as their signer (`permit` and `delegateBySig` need no forwarder).
    constructor(
        uint256 cap_,
        IERC20 revenueToken_,
        address governance_,
        address trustedForwarder_
    )
        ERC20("RideCoop", "RIDE")
        ERC20Permit("RideCoop")
        ERC20Capped(cap_)
        RevenueShare(revenueToken_, governance_)
        ERC2771Context(trustedForwarder_)
    {
        _initializer = _msgSender();
        RateMark memory start = RateMark(0, 0, 0, uint32(block.timestamp));
        _marks[0] = start;
        _marks[1] = start;
    }

    /// @inheritdoc ICoopToken
    function appraise(uint256 treasury, uint256 unit) external returns (uint256 value, uint256 ridePerToken) {
        _checkMinter();
        uint256 revenue = _revenueDeposited();
        uint256 shares = totalSupply() + _pendingTotal();
        RateMark memory since = _marks[1];
        if (block.timestamp - since.time < MARK_SPACING) {
            since = _marks[0];
        } else {
            _marks[0] = since;
            // shares <= cap (the market refuses a cap above uint96); the treasury is the market's uint96.
            _marks[1] = RateMark(uint128(revenue), uint128(treasury), uint96(shares), uint32(block.timestamp));
        }
        uint256 elapsed = block.timestamp - since.time;
        uint256 weeklyRevenue;
        uint256 weeklyIssue;
        if (shares != 0 && elapsed != 0) {
            // What flows to holders' claims: their revenue share and the treasury's growth (a spend
            // in the window lowers the estimate, by at most the outflow limit).
            uint256 inflow = revenue - since.revenue + (treasury > since.treasury ? treasury - since.treasury : 0);
            weeklyRevenue = (inflow * 1 weeks) / elapsed;
            weeklyIssue = ((shares - since.shares) * 1 weeks) / elapsed;
            // With S shares, H revenue and e RIDE a week and Y weeks, one RIDE fetches
            // sum_{w<Y} H / (S + e w) <= H / S + (H / e) ln(1 + e (Y - 1) / S), and the
            // logarithmic mean bounds that logarithm: ln(b / a) <= (b - a) / sqrt(a b).
            uint256 horizon = VALUE_HORIZON - 1;
            value =
                Math.mulDiv(treasury + weeklyRevenue, 1e18, shares) +
                Math.mulDiv(weeklyRevenue * horizon, 1e18, Math.sqrt(shares * (shares + weeklyIssue * horizon)));
        }
        // RIDE in millionths (1e12 wei) per whole token, at the premium over the value.
        uint256 price = (value * ISSUE_PREMIUM_BPS) / 10_000;
        ridePerToken = price == 0 ? type(uint64).max : Math.min((unit * 1e6) / price, type(uint64).max);
        emit Appraised(value, weeklyRevenue, weeklyIssue, shares, ridePerToken);
    }

    /// @inheritdoc ICoopToken
    function minter() external view returns (address) {
        return _minter;
    }

    /// @inheritdoc ICoopToken
    function cap() public view override(ERC20Capped, ICoopToken) returns (uint256) {
        return super.cap();
    }

    /// @inheritdoc ICoopToken
    function setMinter(address minter_) external {
        if (_msgSender() != _initializer) revert CoopTokenNotInitializer(_msgSender());
        if (_minter != address(0)) revert CoopTokenMinterAlreadySet(_minter);
        if (minter_.code.length == 0) revert CoopTokenInvalidMinter(minter_);
        _minter = minter_;
        emit MinterSet(minter_);
    }

    /// @inheritdoc ICoopToken
    function mint(address to, uint256 amount) external {
        _checkMinter();
        uint256 total = totalSupply() + _pendingTotal() + amount;
        if (total > cap()) revert ERC20ExceededCap(total, cap());
        // Delegating first moves no votes; the mint then checkpoints the new votes once.
        if (delegates(to) == address(0)) _delegate(to, to);
        _mint(to, amount);
    }

    /// @inheritdoc ICoopToken
    function accrue(address driver, uint256 reward, uint256 revenue) external nonReentrant {
        _checkMinter();
        if (reward != 0) {
            uint256 total = totalSupply() + _pendingTotal() + reward;
            if (total > cap()) revert ERC20ExceededCap(total, cap());
            emit RewardAccrued(driver, reward, _addPending(driver, reward));
        }
        if (revenue != 0) _shareRevenue(revenue);
    }

    /// @inheritdoc ICoopToken
    function release(address account, uint256 amount) external {
        _checkMinter();
        emit RewardReleased(account, amount, _releasePending(account, amount));
        if (delegates(account) == address(0)) _delegate(account, account);
        _mint(account, amount);
    }

    /// @inheritdoc ICoopToken
    function pendingOf(address account) external view returns (uint256) {
        return _pendingOf(account);
    }

    /// @inheritdoc ICoopToken
    function totalPending() external view returns (uint256) {
        return _pendingTotal();
    }

    /// @notice ERC-6372: votes are checkpointed by timestamp, so governance periods are in seconds.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 clock description.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @dev The minter keeps each ride's holders' revenue until a claim or a sweep needs it.
    function _collectRevenue() internal override {
        address minter_ = _minter;
        if (minter_ != address(0)) IRevenueSource(minter_).sendRevenue();
    }

    function _checkMinter() private view {
        if (_msgSender() != _minter || _minter == address(0)) revert CoopTokenNotMinter(_msgSender());
    }

    /// @dev ERC2771Context's rule, read with less gas (this runs in every call on the ride path):
    /// only the trusted forwarder's calls carry a sender, in their last 20 bytes.
    function _msgSender() internal view override(Context, ERC2771Context) returns (address sender) {
        sender = msg.sender;
        if (sender == trustedForwarder() && msg.data.length >= 20) {
            sender = address(bytes20(msg.data[msg.data.length - 20:]));
        }
    }

    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }

    function _update(
        address from,
        address to,
        uint256 value
    ) internal override(ERC20, ERC20Votes, ERC20Capped, RevenueShare) {
        super._update(from, to, value);
    }
}
