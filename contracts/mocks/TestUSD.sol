// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestUSD (tUSD): a 6-decimal stablecoin for local chains and demos
/// @notice Anyone may draw up to `FAUCET_MAX` per call, then wait `FAUCET_COOLDOWN`.
/// Never deploy it as the fare token of a real cooperative: it is free money by design.
contract TestUSD is ERC20, ERC20Permit {
    /// @notice The most one faucet call hands out: 1,000 tUSD.
    uint256 public constant FAUCET_MAX = 1_000e6;
    /// @notice The wait between two draws by the same address.
    uint256 public constant FAUCET_COOLDOWN = 1 days;

    mapping(address account => uint256) private _lastDraw;

    /// @dev A draw of `requested` is above the per-call `max`.
    error FaucetAmountTooLarge(uint256 requested, uint256 max);
    /// @dev A zero draw.
    error FaucetZeroAmount();
    /// @dev `account` drew less than the cooldown ago; `secondsLeft` until the next draw.
    error FaucetCooldown(address account, uint256 secondsLeft);

    /// @notice `account` drew `amount` from the faucet.
    event FaucetDrawn(address indexed account, uint256 amount);

    constructor() ERC20("Test USD", "tUSD") ERC20Permit("Test USD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Seconds until `account` may draw again (0 when it may draw now).
    function faucetCooldownLeft(address account) public view returns (uint256) {
        uint256 last = _lastDraw[account];
        if (last == 0 || block.timestamp >= last + FAUCET_COOLDOWN) return 0;
        return last + FAUCET_COOLDOWN - block.timestamp;
    }

    /// @notice Mints `amount` tUSD to the caller.
    /// Requirements: 0 < amount <= FAUCET_MAX; the caller's cooldown has passed.
    /// Emits {FaucetDrawn} and {Transfer}.
    function faucet(uint256 amount) external {
        if (amount == 0) revert FaucetZeroAmount();
        if (amount > FAUCET_MAX) revert FaucetAmountTooLarge(amount, FAUCET_MAX);
        uint256 left = faucetCooldownLeft(_msgSender());
        if (left != 0) revert FaucetCooldown(_msgSender(), left);
        _lastDraw[_msgSender()] = block.timestamp;
        emit FaucetDrawn(_msgSender(), amount);
        _mint(_msgSender(), amount);
    }
}
