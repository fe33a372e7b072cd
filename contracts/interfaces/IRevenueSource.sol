// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRevenueSource: where RIDE's minter keeps the holders' revenue until it is claimed
/// @notice The minter records each ride's holders' share with `CoopToken.accrue` (shared over
/// the holders at once) but keeps the tokens, so a ride moves no revenue token; the token
/// collects them with `sendRevenue` before it pays a claim or a sweep.
interface IRevenueSource {
    /// @notice The holders' revenue recorded and not sent yet was sent to RIDE.
    event RevenueSent(address indexed token, uint256 amount);

    /// @notice Sends RIDE every unit of holders' revenue recorded with `accrue` and not sent yet.
    /// Anyone may call it: the tokens only go where they are owed. Returns the amount sent.
    /// Emits {RevenueSent} when the amount is not zero.
    function sendRevenue() external returns (uint256 amount);

    /// @notice Holders' revenue recorded with `accrue` and not sent to RIDE yet.
    function unsentRevenue() external view returns (uint256);
}
