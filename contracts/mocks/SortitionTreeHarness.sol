// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SortitionSumTree} from "../libraries/SortitionSumTree.sol";

/// @title SortitionTreeHarness: the sum tree alone, to build 10,000 members in a few
/// transactions for the gas measurement, and to count draws for the statistical test.
contract SortitionTreeHarness {
    using SortitionSumTree for SortitionSumTree.Tree;

    SortitionSumTree.Tree private _tree;

    event Drawn(address member);

    function set(address member, uint256 weight) external {
        _tree.set(member, weight);
    }

    /// @notice Inserts members address(first) .. address(first + count - 1), weight 1e18 + i.
    function fill(uint160 first, uint160 count) external {
        for (uint160 i = 0; i < count; ++i) _tree.set(address(first + i), 1e18 + i);
    }

    /// @notice A draw in a transaction, so its gas can be measured.
    function drawTx(uint256 random) external returns (address member) {
        member = _tree.draw(random);
        emit Drawn(member);
    }

    function draw(uint256 random) external view returns (address) {
        return _tree.draw(random);
    }

    /// @notice How often each of `members` is drawn over `n` draws seeded by keccak256(seed, i).
    function drawCounts(uint256 seed, uint256 n, address[] calldata members) external view returns (uint256[] memory) {
        uint256[] memory counts = new uint256[](members.length);
        for (uint256 i = 0; i < n; ++i) {
            address drawn = _tree.draw(uint256(keccak256(abi.encode(seed, i))));
            for (uint256 j = 0; j < members.length; ++j) {
                if (members[j] == drawn) {
                    ++counts[j];
                    break;
                }
            }
        }
        return counts;
    }

    /// @notice `drawCounts` with `masked` zeroed for the call and restored after (the court's
    /// eligible-only draw); not a view, read it with a static call.
    function maskedDrawCounts(
        uint256 seed,
        uint256 n,
        address[] calldata masked,
        address[] calldata members
    ) external returns (uint256[] memory counts) {
        uint256[] memory weights = new uint256[](masked.length);
        for (uint256 i = 0; i < masked.length; ++i) weights[i] = _tree.mask(masked[i]);
        counts = this.drawCounts(seed, n, members);
        for (uint256 i = 0; i < masked.length; ++i) _tree.unmask(masked[i], weights[i]);
    }

    function total() external view returns (uint256) {
        return _tree.total();
    }

    function weightOf(address member) external view returns (uint256) {
        return _tree.weightOf(member);
    }
}
