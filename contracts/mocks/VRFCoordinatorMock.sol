// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Test-only: compiles Chainlink's VRF v2.5 coordinator mock so that Hardhat emits its artifact
// and typechain types (the VRFRandomness tests deploy it). Never deployed to a real network.
// solhint-disable-next-line no-unused-import
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";
