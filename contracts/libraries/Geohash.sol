// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Geohash: checks of the coarse cells a ride request carries
/// @notice A cell is 5 or 6 geohash characters (about 4.9 km or 1.2 km across), ASCII,
/// left-aligned in a bytes6. Exact coordinates never go on chain.
library Geohash {
    /// @dev Bit `c` is set for each ASCII code `c` of the geohash alphabet "0-9b-hjkmnp-z".
    uint256 private constant _ALPHABET = 0x7ff6dfc0000000003ff000000000000;

    /// @dev `cell` is not 5 or 6 geohash characters.
    error InvalidCell(bytes6 cell);

    /// @notice Reverts with {InvalidCell} unless `cell` is a precision-5 or -6 geohash.
    function check(bytes6 cell) internal pure {
        // Six iterations at most: the loop is over the characters of one cell.
        for (uint256 i; i < 6; ++i) {
            uint8 c = uint8(cell[i]);
            if (c == 0 && i == 5) return;
            if (c >= 128 || (_ALPHABET >> c) & 1 == 0) revert InvalidCell(cell);
        }
    }

    /// @notice The precision-5 area a cell lies in, as the indexed topic drivers filter on.
    function area(bytes6 cell) internal pure returns (bytes32) {
        return bytes32(bytes5(cell));
    }
}
