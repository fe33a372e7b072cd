import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployGovernanceWithVotersFixture } from "../fixtures/governance";
import { param } from "../fixtures/market";
import {
  call,
  castVotes,
  execute,
  propose,
  proposal,
  queue,
  signBallot,
  toEta,
  toVotingEnd,
  toVotingStart,
  VoteType,
} from "../helpers/governance";

/**
 * Gas of each governance step for a one-call fee proposal (snapshot of the current code). A test
 * fails when a figure grows more than 2% past it: update the snapshot in the same commit that
 * moves it, so the diff shows the change.
 */
const GAS_SNAPSHOT = {
  propose: 75_277n,
  /** The first vote, which reaches quorum and records the late-quorum deadline once. */
  castVote: 125_081n,
  /** A later vote, relayed with the voter's EIP-712 signature. */
  castVoteBySig: 100_102n,
  queue: 149_640n,
  execute: 98_803n,
};
type Step = keyof typeof GAS_SNAPSHOT;

async function measureGas(): Promise<Record<Step, bigint>> {
  const { governor, market, drivers, others } = await loadFixture(deployGovernanceWithVotersFixture);
  const p = proposal([await call(market, "setParameter", [param("feeBps"), 300])], "Set the fee to 3%");
  const proposed = await propose(governor, drivers[0], p);
  await toVotingStart(governor, proposed.id);
  const [voted] = await castVotes(governor, proposed.id, [{ voter: drivers[1], support: VoteType.For }]);
  const signature = await signBallot(governor, drivers[0], proposed.id, VoteType.For);
  const bySig = await (
    await governor.connect(others[0]).castVoteBySig(proposed.id, VoteType.For, drivers[0].address, signature)
  ).wait();
  await toVotingEnd(governor, proposed.id);
  const queued = await queue(governor, p);
  await toEta(governor, proposed.id);
  const executed = await execute(governor, p);
  if (bySig === null) throw new Error("castVoteBySig was not mined");
  return {
    propose: proposed.receipt.gasUsed,
    castVote: voted.gasUsed,
    castVoteBySig: bySig.gasUsed,
    queue: queued.gasUsed,
    execute: executed.gasUsed,
  };
}

describe("Governance: gas", function () {
  let gas: Record<Step, bigint>;
  before(async function () {
    gas = await measureGas();
  });

  for (const step of Object.keys(GAS_SNAPSHOT) as Step[]) {
    it(`keeps ${step} within 2% of the snapshot`, async function () {
      expect(gas[step]).to.be.lte((GAS_SNAPSHOT[step] * 102n) / 100n);
    });
  }
});
