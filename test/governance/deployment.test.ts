import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "../helpers/fixture";
import { deployGovernanceFixture, TEST_GOVERNANCE, type GovernanceSettings } from "../fixtures/governance";
import { ride } from "../fixtures/market";

describe("CoopGovernor: deployment and wiring", function () {
  describe("settings", function () {
    it("reads votes from RIDE on a timestamp clock", async function () {
      const { governor, token } = await loadFixture(deployGovernanceFixture);
      expect(await governor.token()).to.equal(await token.getAddress());
      expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
    });

    it("starts with the voting delay, period, threshold, quorum and extension of the deploy config", async function () {
      const { governor } = await loadFixture(deployGovernanceFixture);
      expect([
        await governor.votingDelay(),
        await governor.votingPeriod(),
        await governor.proposalThreshold(),
        await governor["quorumNumerator()"](),
        await governor.lateQuorumVoteExtension(),
      ]).to.deep.equal([
        BigInt(TEST_GOVERNANCE.votingDelay),
        BigInt(TEST_GOVERNANCE.votingPeriod),
        TEST_GOVERNANCE.proposalThreshold,
        BigInt(TEST_GOVERNANCE.quorumPercent),
        BigInt(TEST_GOVERNANCE.lateQuorumExtension),
      ]);
    });

    it("executes through the timelock with the configured delay", async function () {
      const { governor, timelock } = await loadFixture(deployGovernanceFixture);
      expect(await governor.timelock()).to.equal(await timelock.getAddress());
      expect(await timelock.getMinDelay()).to.equal(TEST_GOVERNANCE.timelockDelay);
    });
  });

  describe("timelock roles", function () {
    it("makes the governor the only proposer", async function () {
      const { governor, timelock, deployer, drivers } = await loadFixture(deployGovernanceFixture);
      const role = await timelock.PROPOSER_ROLE();
      expect(await timelock.hasRole(role, await governor.getAddress())).to.equal(true);
      for (const who of [deployer, ...drivers]) expect(await timelock.hasRole(role, who.address)).to.equal(false);
    });

    it("makes the governor the only canceller", async function () {
      const { governor, timelock, deployer, drivers } = await loadFixture(deployGovernanceFixture);
      const role = await timelock.CANCELLER_ROLE();
      expect(await timelock.hasRole(role, await governor.getAddress())).to.equal(true);
      for (const who of [deployer, ...drivers]) expect(await timelock.hasRole(role, who.address)).to.equal(false);
    });

    it("opens execution to anyone", async function () {
      const { timelock } = await loadFixture(deployGovernanceFixture);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ethers.ZeroAddress)).to.equal(true);
    });

    it("leaves no admin but the timelock itself", async function () {
      const { governor, timelock, deployer } = await loadFixture(deployGovernanceFixture);
      const admin = await timelock.DEFAULT_ADMIN_ROLE();
      expect(await timelock.hasRole(admin, deployer.address)).to.equal(false);
      expect(await timelock.hasRole(admin, await governor.getAddress())).to.equal(false);
      expect(await timelock.hasRole(admin, await timelock.getAddress())).to.equal(true);
    });
  });

  describe("governed contracts", function () {
    it("makes the timelock the market's governance authority", async function () {
      const { market, timelock } = await loadFixture(deployGovernanceFixture);
      expect(await market.governance()).to.equal(await timelock.getAddress());
    });

    it("makes the timelock RIDE's governance authority", async function () {
      const { token, timelock } = await loadFixture(deployGovernanceFixture);
      expect(await token.governance()).to.equal(await timelock.getAddress());
    });

    it("makes the market RIDE's only minter", async function () {
      const { token, market } = await loadFixture(deployGovernanceFixture);
      expect(await token.minter()).to.equal(await market.getAddress());
    });
  });

  describe("constructor bounds", function () {
    const DAY = 24 * 60 * 60;
    const cases: { name: string; override: Partial<GovernanceSettings>; value: bigint; min: bigint; max: bigint }[] = [
      {
        name: "votingDelay",
        override: { votingDelay: 30 * DAY + 1 },
        value: BigInt(30 * DAY + 1),
        min: 0n,
        max: BigInt(30 * DAY),
      },
      {
        name: "votingPeriod",
        override: { votingPeriod: 30 * DAY + 1 },
        value: BigInt(30 * DAY + 1),
        min: 1n,
        max: BigInt(30 * DAY),
      },
      { name: "proposalThreshold", override: { proposalThreshold: 0n }, value: 0n, min: 1n, max: ride("1000000") },
      {
        name: "proposalThreshold",
        override: { proposalThreshold: ride("1000000") + 1n },
        value: ride("1000000") + 1n,
        min: 1n,
        max: ride("1000000"),
      },
      { name: "quorumPercent", override: { quorumPercent: 0 }, value: 0n, min: 1n, max: 50n },
      { name: "quorumPercent", override: { quorumPercent: 51 }, value: 51n, min: 1n, max: 50n },
      {
        name: "lateQuorumExtension",
        override: { lateQuorumExtension: 14 * DAY + 1 },
        value: BigInt(14 * DAY + 1),
        min: 0n,
        max: BigInt(14 * DAY),
      },
    ];
    for (const c of cases) {
      it(`reverts with GovernorSettingOutOfBounds for ${c.name} = ${c.value}`, async function () {
        const { token, timelock, forwarder } = await loadFixture(deployGovernanceFixture);
        const s = { ...TEST_GOVERNANCE, ...c.override };
        const factory = await ethers.getContractFactory("CoopGovernor");
        await expect(
          factory.deploy(
            await token.getAddress(),
            await timelock.getAddress(),
            s.votingDelay,
            s.votingPeriod,
            s.proposalThreshold,
            s.quorumPercent,
            s.lateQuorumExtension,
            await forwarder.getAddress(),
          ),
        )
          .to.be.revertedWithCustomError(factory, "GovernorSettingOutOfBounds")
          .withArgs(ethers.encodeBytes32String(c.name), c.value, c.min, c.max);
      });
    }
  });
});
