import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "../helpers/fixture";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { deployGovernanceWithVotersFixture, type GovernanceFixture } from "../fixtures/governance";
import { param, usd } from "../fixtures/market";

interface Setter {
  name: string;
  /** The contract whose ABI holds the expected error. */
  errorFrom: (f: GovernanceFixture) => BaseContract;
  send: (f: GovernanceFixture, caller: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
  error: string;
  args: (f: GovernanceFixture, caller: HardhatEthersSigner) => Promise<unknown[]>;
}

const onlyCaller = async (_f: GovernanceFixture, c: HardhatEthersSigner): Promise<unknown[]> => [c.address];

/** Every function that changes a governed setting, on every governed contract. */
const SETTERS: Setter[] = [
  {
    name: "RideMarket.setParameter",
    errorFrom: (f) => f.market,
    send: (f, c) => f.market.connect(c).setParameter(param("feeBps"), 300),
    error: "NotGovernance",
    args: onlyCaller,
  },
  {
    name: "RideMarket.withdrawTreasury",
    errorFrom: (f) => f.market,
    send: (f, c) => f.market.connect(c).withdrawTreasury(c.address, usd("1")),
    error: "NotGovernance",
    args: onlyCaller,
  },
  {
    name: "RideMarket.sweep",
    errorFrom: (f) => f.market,
    send: async (f, c) => f.market.connect(c).sweep(await f.tusd.getAddress(), c.address, 0),
    error: "NotGovernance",
    args: onlyCaller,
  },
  {
    name: "CoopToken.sweep",
    errorFrom: (f) => f.token,
    send: async (f, c) => f.token.connect(c).sweep(await f.tusd.getAddress(), c.address, 0),
    error: "RevenueNotGovernance",
    args: onlyCaller,
  },
  {
    name: "CoopGovernor.setVotingDelay",
    errorFrom: (f) => f.governor,
    send: (f, c) => f.governor.connect(c).setVotingDelay(1),
    error: "GovernorOnlyExecutor",
    args: onlyCaller,
  },
  {
    name: "CoopGovernor.setVotingPeriod",
    errorFrom: (f) => f.governor,
    send: (f, c) => f.governor.connect(c).setVotingPeriod(1),
    error: "GovernorOnlyExecutor",
    args: onlyCaller,
  },
  {
    name: "CoopGovernor.setProposalThreshold",
    errorFrom: (f) => f.governor,
    send: (f, c) => f.governor.connect(c).setProposalThreshold(1),
    error: "GovernorOnlyExecutor",
    args: onlyCaller,
  },
  {
    name: "CoopGovernor.updateQuorumNumerator",
    errorFrom: (f) => f.governor,
    send: (f, c) => f.governor.connect(c).updateQuorumNumerator(1),
    error: "GovernorOnlyExecutor",
    args: onlyCaller,
  },
  {
    name: "CoopGovernor.setLateQuorumVoteExtension",
    errorFrom: (f) => f.governor,
    send: (f, c) => f.governor.connect(c).setLateQuorumVoteExtension(0),
    error: "GovernorOnlyExecutor",
    args: onlyCaller,
  },
  {
    name: "CoopGovernor.updateTimelock",
    errorFrom: (f) => f.governor,
    send: (f, c) => f.governor.connect(c).updateTimelock(c.address),
    error: "GovernorOnlyExecutor",
    args: onlyCaller,
  },
  {
    name: "CoopGovernor.relay",
    errorFrom: (f) => f.governor,
    send: async (f, c) =>
      f.governor
        .connect(c)
        .relay(
          await f.market.getAddress(),
          0,
          f.market.interface.encodeFunctionData("setParameter", [param("feeBps"), 0]),
        ),
    error: "GovernorOnlyExecutor",
    args: onlyCaller,
  },
  {
    name: "TimelockController.updateDelay",
    errorFrom: (f) => f.timelock,
    send: (f, c) => f.timelock.connect(c).updateDelay(0),
    error: "TimelockUnauthorizedCaller",
    args: onlyCaller,
  },
  {
    name: "TimelockController.schedule",
    errorFrom: (f) => f.timelock,
    send: async (f, c) =>
      f.timelock
        .connect(c)
        .schedule(
          await f.market.getAddress(),
          0,
          f.market.interface.encodeFunctionData("setParameter", [param("feeBps"), 0]),
          ethers.ZeroHash,
          ethers.ZeroHash,
          await f.timelock.getMinDelay(),
        ),
    error: "AccessControlUnauthorizedAccount",
    args: async (f, c) => [c.address, await f.timelock.PROPOSER_ROLE()],
  },
  {
    name: "TimelockController.grantRole",
    errorFrom: (f) => f.timelock,
    send: async (f, c) => f.timelock.connect(c).grantRole(await f.timelock.PROPOSER_ROLE(), c.address),
    error: "AccessControlUnauthorizedAccount",
    args: async (f, c) => [c.address, await f.timelock.DEFAULT_ADMIN_ROLE()],
  },
];

/** The deployer, the biggest RIDE holder, and an outsider. */
const CALLERS: { name: string; pick: (f: GovernanceFixture) => HardhatEthersSigner }[] = [
  { name: "the deployer", pick: (f) => f.deployer },
  { name: "the largest RIDE holder", pick: (f) => f.drivers[0] },
  { name: "an outsider", pick: (f) => f.others[0] },
];

describe("Governance: only the timelock governs", function () {
  for (const setter of SETTERS) {
    describe(setter.name, function () {
      for (const caller of CALLERS) {
        it(`reverts with ${setter.error} when called by ${caller.name}`, async function () {
          const f = await loadFixture(deployGovernanceWithVotersFixture);
          const who = caller.pick(f);
          await expect(setter.send(f, who))
            .to.be.revertedWithCustomError(setter.errorFrom(f), setter.error)
            .withArgs(...(await setter.args(f, who)));
        });
      }
    });
  }
});
