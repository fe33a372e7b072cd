// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The few Foundry cheatcodes the invariant fuzz uses
/// @notice Declared here instead of importing forge-std: the only forge-std in the npm registry
/// is an unofficial 1.1.2 from 2022, and the fuzz needs five cheatcodes and two forge hooks
/// (`targetContracts`, `targetSenders`), which forge finds by their ABI. README.md, "Invariant
/// fuzzing", says more.
interface Vm {
    function warp(uint256 timestamp) external;

    function roll(uint256 blockNumber) external;

    function prank(address sender) external;

    function startPrank(address sender) external;

    function stopPrank() external;
}

/// @dev The cheatcode address: keccak256("hevm cheat code"), low 20 bytes.
Vm constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
