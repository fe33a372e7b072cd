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
    /// @dev Without a loop: each character selects its bit of the alphabet mask (a code of 128
    /// or more selects a bit above the mask's highest, so it fails too); the sixth character
    /// may also be zero (precision 5).
    function check(bytes6 cell) internal pure {
        uint256 v = uint48(cell);
        uint256 a = _ALPHABET;
        uint256 last = v & 0xff;
        uint256 ok =
            (a >> (v >> 40)) &
                (a >> ((v >> 32) & 0xff)) &
                (a >> ((v >> 24) & 0xff)) &
                (a >> ((v >> 16) & 0xff)) &
                (a >> ((v >> 8) & 0xff)) &
                ((a >> last) | (last == 0 ? 1 : 0));
        if (ok & 1 == 0) revert InvalidCell(cell);
    }

    /// @notice The precision-5 area a cell lies in, as the indexed topic drivers filter on.
    function area(bytes6 cell) internal pure returns (bytes32) {
        return bytes32(bytes5(cell));
    }
}
