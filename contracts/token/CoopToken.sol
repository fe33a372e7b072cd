// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ICoopToken} from "../interfaces/ICoopToken.sol";
import {IRevenueSource} from "../interfaces/IRevenueSource.sol";
import {RevenueShare} from "./RevenueShare.sol";

/// @title CoopToken (RIDE)
/// @notice The cooperative's token: earned by drivers for finalized rides, voting on the fees
/// (ERC20Votes, timestamp clock) and receiving the holders' share of fee revenue.
/// There is no owner, no admin mint, no pause and no burn: the only way RIDE comes into being
/// is a ride, through the one minter fixed at deployment.
contract CoopToken is ERC20, ERC20Permit, ERC20Votes, ERC20Capped, RevenueShare, ICoopToken {
    address private immutable _initializer;
    address private _minter;

    /// @param cap_ Hard supply cap, in the smallest unit (18 decimals).
    /// @param revenueToken_ The fare stablecoin, in which the holders' share of fees is paid.
    /// @param governance_ The timelock: the only address that may sweep surplus tokens.
    constructor(
        uint256 cap_,
        IERC20 revenueToken_,
        address governance_
    ) ERC20("RideCoop", "RIDE") ERC20Permit("RideCoop") ERC20Capped(cap_) RevenueShare(revenueToken_, governance_) {
        _initializer = _msgSender();
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

    function _update(
        address from,
        address to,
        uint256 value
    ) internal override(ERC20, ERC20Votes, ERC20Capped, RevenueShare) {
        super._update(from, to, value);
    }
}
