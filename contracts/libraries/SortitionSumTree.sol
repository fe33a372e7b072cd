// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SortitionSumTree: stake-weighted random selection in O(log n)
/// @notice A K-ary sum tree (after Kleros' SortitionSumTreeFactory). Leaves hold each member's
/// weight, every inner node the sum of its children, the root the total. `set` walks one path
/// from a leaf to the root (log_K n writes); `draw` walks one path from the root down to a leaf
/// (log_K n levels, at most K reads each). Neither cost depends on anything but the depth.
/// @dev Layout: node 0 is the root; the children of node i are K*i+1 .. K*i+K. Leaves are
/// appended level by level, so the tree stays balanced. When a leaf must become a parent, it
/// moves down to the parent's second child slot. Removed leaves go on a stack of vacant slots
/// that the next insertion reuses before the tree grows.
library SortitionSumTree {
    /// @notice The branching factor: 4 balances the cost of a draw (K reads per level) against
    /// the cost of an update (one write per level).
    uint256 internal constant K = 4;

    struct Tree {
        uint256[] nodes;
        uint256[] vacant;
        mapping(address member => uint256 index) indexOf;
        mapping(uint256 index => address member) memberAt;
    }

    /// @dev `random` asked for a draw from an empty tree.
    error SortitionEmptyTree();

    /// @notice Sets `member`'s weight to `weight`: inserts, updates or (weight 0) removes it.
    function set(Tree storage tree, address member, uint256 weight) internal {
        if (tree.nodes.length == 0) tree.nodes.push(0);
        uint256 index = tree.indexOf[member];
        if (index == 0) {
            if (weight == 0) return;
            index = _insert(tree, member, weight);
            _addToParents(tree, index, weight, true);
            return;
        }
        uint256 old = tree.nodes[index];
        if (weight == 0) {
            tree.nodes[index] = 0;
            tree.vacant.push(index);
            delete tree.indexOf[member];
            delete tree.memberAt[index];
            _addToParents(tree, index, old, false);
        } else if (weight != old) {
            tree.nodes[index] = weight;
            if (weight > old) _addToParents(tree, index, weight - old, true);
            else _addToParents(tree, index, old - weight, false);
        }
    }

    /// @notice Zeroes `member`'s leaf without removing it (its slot stays its own) and returns
    /// the weight taken out, for a later `unmask`. Absent members return 0 and write nothing.
    /// @dev Used to draw from eligible weight only: mask, draw, unmask in one transaction
    /// leaves every node as it was.
    function mask(Tree storage tree, address member) internal returns (uint256 old) {
        uint256 index = tree.indexOf[member];
        if (index == 0) return 0;
        old = tree.nodes[index];
        if (old == 0) return 0;
        tree.nodes[index] = 0;
        _addToParents(tree, index, old, false);
    }

    /// @notice Gives back the `weight` a `mask` of `member` took out.
    function unmask(Tree storage tree, address member, uint256 weight) internal {
        if (weight == 0) return;
        uint256 index = tree.indexOf[member];
        tree.nodes[index] = weight;
        _addToParents(tree, index, weight, true);
    }

    /// @notice The member whose cumulative weight range holds `random % total`.
    /// Requirements: the total weight is not zero.
    function draw(Tree storage tree, uint256 random) internal view returns (address) {
        uint256 total = tree.nodes.length == 0 ? 0 : tree.nodes[0];
        if (total == 0) revert SortitionEmptyTree();
        uint256 length = tree.nodes.length;
        uint256 index;
        uint256 point = random % total;
        // Descend while the node has children; a parent's children sum to its value, so some
        // child always holds `point` and the inner loop exits through `break`.
        while (K * index + 1 < length) {
            for (uint256 i = 1; i <= K; ++i) {
                uint256 child = K * index + i;
                uint256 value = tree.nodes[child];
                if (point < value) {
                    index = child;
                    break;
                }
                point -= value;
            }
        }
        return tree.memberAt[index];
    }

    /// @notice The total weight.
    function total(Tree storage tree) internal view returns (uint256) {
        return tree.nodes.length == 0 ? 0 : tree.nodes[0];
    }

    /// @notice `member`'s weight (0 when absent).
    function weightOf(Tree storage tree, address member) internal view returns (uint256) {
        uint256 index = tree.indexOf[member];
        return index == 0 ? 0 : tree.nodes[index];
    }

    function _insert(Tree storage tree, address member, uint256 weight) private returns (uint256 index) {
        uint256 vacancies = tree.vacant.length;
        if (vacancies != 0) {
            index = tree.vacant[vacancies - 1];
            tree.vacant.pop();
            tree.nodes[index] = weight;
        } else {
            index = tree.nodes.length;
            tree.nodes.push(weight);
            // The first child of a leaf: the leaf becomes a sum node, its member moves down to
            // the second child. No vacancy exists here, so that leaf is occupied.
            if (index != 1 && (index - 1) % K == 0) {
                uint256 parent = index / K;
                address moved = tree.memberAt[parent];
                uint256 movedTo = index + 1;
                tree.nodes.push(tree.nodes[parent]);
                delete tree.memberAt[parent];
                tree.indexOf[moved] = movedTo;
                tree.memberAt[movedTo] = moved;
            }
        }
        tree.indexOf[member] = index;
        tree.memberAt[index] = member;
    }

    function _addToParents(Tree storage tree, uint256 index, uint256 delta, bool up) private {
        while (index != 0) {
            index = (index - 1) / K;
            if (up) tree.nodes[index] += delta;
            else tree.nodes[index] -= delta;
        }
    }
}
