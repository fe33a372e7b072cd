// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title FeeSplit: RideMarket._finalize's fee arithmetic, extracted for the SMTChecker
/// @notice The same three lines as the market, with the bounds the market enforces as
/// preconditions (fare < 2^96, feeBps <= 1_000, holdersShareBps <= 10_000). The asserts are
/// the properties: no overflow or underflow, every unit conserved, fee at most 10%.
/// Not deployed; checked by scripts/smt-check.sh.
contract FeeSplit {
    uint256 internal constant BPS = 10_000;

    function split(
        uint96 fare,
        uint16 feeBps,
        uint16 holdersShareBps
    ) external pure returns (uint256 driverAmount, uint256 holders, uint256 treasury) {
        require(feeBps <= 1_000);
        require(holdersShareBps <= BPS);
        uint256 fee = (uint256(fare) * feeBps) / BPS;
        holders = (fee * holdersShareBps) / BPS;
        treasury = fee - holders;
        driverAmount = uint256(fare) - fee;
        assert(driverAmount + holders + treasury == fare);
        assert(fee * 10 <= fare);
        assert(holders <= fee);
    }
}
