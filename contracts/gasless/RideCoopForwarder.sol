// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/// @title RideCoopForwarder: OpenZeppelin 5's ERC-2771 forwarder, unchanged, named for the suite
/// @notice Anyone may submit a request a rider, driver, arbiter or holder signed (EIP-712 domain
/// "RideCoop", version "1"): the forwarder checks the signature, the signer's nonce and the
/// deadline, and calls the target with the signer's address appended; every user-facing contract
/// of the suite trusts it (ERC2771Context) and reads that address as the sender. The forwarder has
/// no owner and holds nothing. See docs/DESIGN.md, "Gasless".
contract RideCoopForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("RideCoop") {}
}
