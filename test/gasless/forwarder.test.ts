import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { concat, Wallet, type BaseContract, type HDNodeWallet, type Signer } from "ethers";
import { loadFixture } from "../helpers/fixture";
import { deployMarketFixture, requestParams, RideState, usd } from "../fixtures/market";
import { DRIVER_RIDE, deployGovernanceWithVotersFixture } from "../fixtures/governance";
import { deployDisputesFixture, seatPanel } from "../fixtures/disputes";
import { call, proposal, propose, toVotingStart, VoteType } from "../helpers/governance";
import { FORWARD_REQUEST_TYPES, signForwardRequest, type ForwardRequestData } from "../../src/client/forwarder";
import { decodeRevert, unexplainedErrors } from "../../src/client/errors";
import { signBallot, signPermit } from "../../src/client/signatures";
import type { RideCoopForwarder } from "../../typechain-types";

/**
 * Gasless requests (issue 14): people who hold fare tokens and no ETH sign; a third account (a
 * relayer) submits through the suite's ERC-2771 forwarder and pays the gas.
 */

/** A fresh account with no ETH, on the test chain. */
const penniless = (): HDNodeWallet => Wallet.createRandom().connect(ethers.provider);

/** `who` signs a call of `method(args)` on `target`; `relayer` submits it to the forwarder. */
async function relay(
  forwarder: RideCoopForwarder,
  relayer: HardhatEthersSigner,
  who: Signer,
  target: BaseContract,
  method: string,
  args: readonly unknown[],
) {
  const data = target.interface.encodeFunctionData(method, args);
  const request = await signForwardRequest(forwarder, who, await target.getAddress(), data);
  return forwarder.connect(relayer).execute(request);
}

async function zeroEthPartiesFixture() {
  const f = await deployMarketFixture();
  const { tusd, market, forwarder, riders, others } = f;
  const relayer = others[0];
  const rider = penniless();
  const driver = penniless();
  // Fare tokens only: a rider's 1,000 tUSD are shared out, no ETH moves.
  await tusd.connect(riders[0]).transfer(rider.address, usd("300"));
  await tusd.connect(riders[0]).transfer(driver.address, usd("300"));
  // The driver's stake: an EIP-2612 permit anyone submits, then a forwarded registration.
  const deadline = BigInt(await time.latest()) + 3600n;
  const permit = await signPermit(tusd, driver, await market.getAddress(), usd("100"), deadline);
  await tusd
    .connect(relayer)
    .permit(driver.address, await market.getAddress(), usd("100"), deadline, permit.v, permit.r, permit.s);
  await relay(forwarder, relayer, driver, market, "registerDriver", [usd("100")]);
  return { ...f, relayer, rider, driver };
}

/** A forwarded, permit-funded request by `rider` at `maxFare`; returns the ride id. */
async function gaslessRequest(f: Awaited<ReturnType<typeof zeroEthPartiesFixture>>, maxFare = usd("20")) {
  const { tusd, market, forwarder, relayer, rider } = f;
  const id = (await market.totals()).nextRideId;
  const deadline = BigInt(await time.latest()) + 3600n;
  const permit = await signPermit(tusd, rider, await market.getAddress(), maxFare, deadline);
  const request = await requestParams({ maxFare });
  await relay(forwarder, relayer, rider, market, "requestRideWithPermit", [
    request,
    deadline,
    permit.v,
    permit.r,
    permit.s,
  ]);
  return id;
}

describe("Gasless: ERC-2771 forwarded requests", function () {
  describe("a rider and a driver holding 0 ETH", function () {
    it("register the driver through the forwarder, as the driver", async function () {
      const { market, driver } = await loadFixture(zeroEthPartiesFixture);
      const account = await market.getAccount(driver.address);
      expect([account.registered, account.stake]).to.deep.equal([true, usd("100")]);
    });

    it("request with a permit, take an offer, ride, confirm, rate, withdraw and claim, and still hold 0 ETH", async function () {
      const f = await loadFixture(zeroEthPartiesFixture);
      const { tusd, token, market, forwarder, relayer, rider, driver } = f;
      const id = await gaslessRequest(f);
      expect((await market.getRide(id)).rider).to.equal(rider.address);

      const expiresAt = (await time.latest()) + 300;
      await expect(relay(forwarder, relayer, driver, market, "makeOffer", [id, usd("18"), expiresAt]))
        .to.emit(market, "OfferMade")
        .withArgs(id, driver.address, usd("18"), expiresAt);
      await expect(relay(forwarder, relayer, rider, market, "acceptOffer", [id, driver.address, usd("18")]))
        .to.emit(market, "RideAccepted")
        .withArgs(id, driver.address, usd("18"), 500, usd("2"));
      await expect(relay(forwarder, relayer, driver, market, "markArrived", [id]))
        .to.emit(market, "DriverArrived")
        .withArgs(id, driver.address);
      await relay(forwarder, relayer, driver, market, "startRide", [id]);
      await relay(forwarder, relayer, driver, market, "completeRide", [id]);
      await expect(relay(forwarder, relayer, rider, market, "confirmRide", [id, 5]))
        .to.emit(market, "Rated")
        .withArgs(id, rider.address, driver.address, 5);
      expect((await market.getRide(id)).state).to.equal(RideState.Finalized);
      await expect(relay(forwarder, relayer, driver, market, "rate", [id, 4]))
        .to.emit(market, "Rated")
        .withArgs(id, driver.address, rider.address, 4);

      // 18 tUSD less the 5% fee to the driver; the 2 tUSD the offer saved back to the rider.
      await expect(relay(forwarder, relayer, driver, market, "withdraw", [driver.address]))
        .to.emit(market, "Withdrawn")
        .withArgs(driver.address, driver.address, usd("17.1"));
      await expect(relay(forwarder, relayer, rider, market, "withdraw", [rider.address]))
        .to.emit(market, "Withdrawn")
        .withArgs(rider.address, rider.address, usd("2"));
      const accrued = (await market.rewardsOf(driver.address)).accrued;
      expect(accrued).to.be.greaterThan(0n);
      await expect(relay(forwarder, relayer, driver, market, "claimRewards", []))
        .to.emit(market, "RewardsClaimed")
        .withArgs(driver.address, accrued);
      expect(await token.balanceOf(driver.address)).to.equal(accrued);
      expect(await tusd.balanceOf(driver.address)).to.equal(usd("200") + usd("17.1"));
      // The driver's RIDE shares the holders' part of its own ride's fee.
      const revenue = await token.connect(driver).claimRevenue.staticCall(driver.address);
      expect(revenue).to.be.greaterThan(0n);
      await expect(relay(forwarder, relayer, driver, token, "claimRevenue", [driver.address]))
        .to.emit(token, "RevenueClaimed")
        .withArgs(driver.address, driver.address, revenue);

      expect(await ethers.provider.getBalance(rider.address)).to.equal(0n);
      expect(await ethers.provider.getBalance(driver.address)).to.equal(0n);
    });

    it("cancel a request through the forwarder, as the rider", async function () {
      const f = await loadFixture(zeroEthPartiesFixture);
      const { market, forwarder, relayer, rider } = f;
      const id = await gaslessRequest(f);
      await expect(relay(forwarder, relayer, rider, market, "cancelRide", [id]))
        .to.emit(market, "RideCancelled")
        .withArgs(id, ethers.encodeBytes32String("rider"), rider.address, usd("20"), 0);
    });

    it("accept a request at its fare through the forwarder, as the driver", async function () {
      const f = await loadFixture(zeroEthPartiesFixture);
      const { market, forwarder, relayer, driver } = f;
      const id = await gaslessRequest(f);
      await expect(relay(forwarder, relayer, driver, market, "acceptRide", [id, usd("20")]))
        .to.emit(market, "RideAccepted")
        .withArgs(id, driver.address, usd("20"), 500, 0);
    });
  });

  describe("disputes through the forwarder (a relayer pays)", function () {
    async function startedRideFixture() {
      const fx = await deployDisputesFixture();
      const [rider, driver, relayer] = [fx.riders[0], fx.drivers[0], fx.others[0]];
      const id = (await fx.market.totals()).nextRideId;
      await fx.market.connect(rider).requestRide(await requestParams());
      await fx.market.connect(driver).acceptRide(id, usd("20"));
      await fx.market.connect(driver).startRide(id);
      return { ...fx, rider, driver, relayer, id };
    }

    it("opens a dispute as the rider who signed, the relayer paying the gas", async function () {
      const fx = await loadFixture(startedRideFixture);
      const before = await ethers.provider.getBalance(fx.rider.address);
      const epoch = (await fx.pool.phaseState()).epoch;
      await expect(relay(fx.forwarder, fx.relayer, fx.rider, fx.court, "openDispute", [fx.id]))
        .to.emit(fx.court, "DisputeOpened")
        .withArgs(fx.id, fx.rider.address, fx.rider.address, fx.driver.address, usd("20"), usd("5"), epoch + 1n);
      expect(await ethers.provider.getBalance(fx.rider.address)).to.equal(before);
    });

    it("takes a seated arbiter's signed ruling and its withdrawal of the fee, the arbiter paying no gas", async function () {
      const fx = await loadFixture(startedRideFixture);
      await relay(fx.forwarder, fx.relayer, fx.rider, fx.court, "openDispute", [fx.id]);
      const [arbiter] = await seatPanel(fx, fx.id);
      const before = await ethers.provider.getBalance(arbiter.address);
      await expect(relay(fx.forwarder, fx.relayer, arbiter, fx.court, "rule", [fx.id, 8_000]))
        .to.emit(fx.court, "Voted")
        .withArgs(fx.id, 0, arbiter.address, 8_000, usd("2"));
      await expect(relay(fx.forwarder, fx.relayer, arbiter, fx.court, "withdraw", [arbiter.address]))
        .to.emit(fx.court, "Withdrawn")
        .withArgs(arbiter.address, arbiter.address, usd("2"));
      expect(await ethers.provider.getBalance(arbiter.address)).to.equal(before);
    });
  });

  describe("the forwarder refuses", function () {
    async function signedWithdraw() {
      const f = await loadFixture(zeroEthPartiesFixture);
      const data = f.market.interface.encodeFunctionData("withdraw", [f.rider.address]);
      const request = await signForwardRequest(f.forwarder, f.rider, await f.market.getAddress(), data, {
        gas: 200_000n,
      });
      return { ...f, request };
    }

    /** Who the forwarder recovers from `request`'s signature at the signer's current nonce. */
    async function recovered(forwarder: RideCoopForwarder, request: ForwardRequestData): Promise<string> {
      const d = await forwarder.eip712Domain();
      const domain = { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
      const message = { ...request, nonce: await forwarder.nonces(request.from) };
      return ethers.verifyTypedData(domain, FORWARD_REQUEST_TYPES, message, request.signature);
    }

    it("a replayed request with ERC2771ForwarderInvalidSigner (the used nonce recovers another signer)", async function () {
      const f = await loadFixture(zeroEthPartiesFixture);
      const id = await gaslessRequest(f);
      await relay(f.forwarder, f.relayer, f.rider, f.market, "cancelRide", [id]);
      const request = await signForwardRequest(
        f.forwarder,
        f.rider,
        await f.market.getAddress(),
        f.market.interface.encodeFunctionData("withdraw", [f.rider.address]),
        { gas: 200_000n },
      );
      await f.forwarder.connect(f.relayer).execute(request);
      await expect(f.forwarder.connect(f.relayer).execute(request))
        .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner")
        .withArgs(await recovered(f.forwarder, request), f.rider.address);
    });

    it("an expired request with ERC2771ForwarderExpiredRequest(deadline)", async function () {
      const f = await loadFixture(zeroEthPartiesFixture);
      const deadline = BigInt(await time.latest()) + 60n;
      const data = f.market.interface.encodeFunctionData("withdraw", [f.rider.address]);
      const request = await signForwardRequest(f.forwarder, f.rider, await f.market.getAddress(), data, {
        gas: 200_000n,
        deadline,
      });
      await time.increaseTo(deadline + 1n);
      await expect(f.forwarder.connect(f.relayer).execute(request))
        .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderExpiredRequest")
        .withArgs(deadline);
    });

    it("a request signed by someone else than `from` with ERC2771ForwarderInvalidSigner(signer, from)", async function () {
      const { forwarder, relayer, rider, driver, request } = await signedWithdraw();
      // The driver signs a request that names the rider as `from`.
      const forged = await signForwardRequest(forwarder, driver, request.to, request.data, { gas: request.gas });
      const claimed = { ...forged, from: rider.address };
      await expect(forwarder.connect(relayer).execute(claimed))
        .to.be.revertedWithCustomError(forwarder, "ERC2771ForwarderInvalidSigner")
        .withArgs(await recovered(forwarder, claimed), rider.address);
      expect(await recovered(forwarder, claimed)).to.not.equal(rider.address);
    });

    it("a request to a contract that does not trust it with ERC2771UntrustfulTarget(target, forwarder)", async function () {
      const { tusd, forwarder, relayer, rider } = await loadFixture(zeroEthPartiesFixture);
      const data = tusd.interface.encodeFunctionData("transfer", [relayer.address, usd("1")]);
      const request = await signForwardRequest(forwarder, rider, await tusd.getAddress(), data, { gas: 100_000n });
      await expect(forwarder.connect(relayer).execute(request))
        .to.be.revertedWithCustomError(forwarder, "ERC2771UntrustfulTarget")
        .withArgs(await tusd.getAddress(), await forwarder.getAddress());
    });
  });

  describe("the client explains the forwarder's refusals", function () {
    it("has a sentence for every custom error of the forwarder", function () {
      expect(unexplainedErrors()).to.deep.equal([]);
    });

    it("decodes ERC2771ForwarderInvalidSigner with both addresses and a hint", async function () {
      const { forwarder, rider, driver } = await loadFixture(zeroEthPartiesFixture);
      const data = forwarder.interface.encodeErrorResult("ERC2771ForwarderInvalidSigner", [
        driver.address,
        rider.address,
      ]);
      expect(decodeRevert(data)?.message).to.equal(
        `ERC2771ForwarderInvalidSigner: the request's signature is not ${rider.address}'s at its current forwarder nonce (it recovers ${driver.address}). Hint: it was already relayed, or signed for another nonce or by another key: sign it again.`,
      );
    });
  });

  describe("sender spoofing (ERC-2771 calldata suffix)", function () {
    it("a direct call with a rider's address appended acts as the caller: cancelRide reverts with NotRider(caller)", async function () {
      const f = await loadFixture(zeroEthPartiesFixture);
      const { market, rider, others } = f;
      const id = await gaslessRequest(f);
      const attacker = others[1];
      const data = concat([market.interface.encodeFunctionData("cancelRide", [id]), rider.address]);
      await expect(attacker.sendTransaction({ to: await market.getAddress(), data }))
        .to.be.revertedWithCustomError(market, "NotRider")
        .withArgs(id, attacker.address);
    });

    it("a direct withdraw with a credited rider's address appended takes nothing of the rider's credit", async function () {
      const f = await loadFixture(zeroEthPartiesFixture);
      const { market, forwarder, relayer, rider, others } = f;
      const id = await gaslessRequest(f);
      await relay(forwarder, relayer, rider, market, "cancelRide", [id]);
      const attacker = others[1];
      const data = concat([market.interface.encodeFunctionData("withdraw", [attacker.address]), rider.address]);
      await expect(attacker.sendTransaction({ to: await market.getAddress(), data }))
        .to.be.revertedWithCustomError(market, "NothingToWithdraw")
        .withArgs(attacker.address);
      expect(await market.creditOf(rider.address)).to.equal(usd("20"));
    });

    it("has no Multicall: no contract that trusts the forwarder has a batch entry point that re-appends a sender", async function () {
      for (const name of ["RideMarket", "CoopToken", "CoopGovernor", "DisputeCourt", "ArbiterPool", "KeyRegistry"]) {
        const { abi } = await artifacts.readArtifact(name);
        const batch = (abi as { type: string; name?: string }[]).filter(
          (f) => f.type === "function" && /multicall/i.test(f.name ?? ""),
        );
        expect(batch, name).to.deep.equal([]);
      }
    });
  });

  describe("a holder with 0 ETH", function () {
    it("delegates by signature and votes by signature, a third account paying", async function () {
      const { token, governor, market, drivers, others } = await loadFixture(deployGovernanceWithVotersFixture);
      const holder = penniless();
      const relayer = others[0];
      await token.connect(drivers[0]).transfer(holder.address, DRIVER_RIDE[0] / 2n);
      // delegateBySig: EIP-712 Delegation(delegatee, nonce, expiry), relayed by anyone.
      const expiry = BigInt(await time.latest()) + 3600n;
      const d = await token.eip712Domain();
      const signature = await holder.signTypedData(
        { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract },
        {
          Delegation: [
            { name: "delegatee", type: "address" },
            { name: "nonce", type: "uint256" },
            { name: "expiry", type: "uint256" },
          ],
        },
        { delegatee: holder.address, nonce: await token.nonces(holder.address), expiry },
      );
      const { v, r, s } = ethers.Signature.from(signature);
      await expect(
        token.connect(relayer).delegateBySig(holder.address, await token.nonces(holder.address), expiry, v, r, s),
      )
        .to.emit(token, "DelegateChanged")
        .withArgs(holder.address, ethers.ZeroAddress, holder.address);

      const p = proposal([await call(market, "setParameter", [ethers.encodeBytes32String("feeBps"), 400])], "fee 4%");
      const { id } = await propose(governor, drivers[1], p);
      await toVotingStart(governor, id);
      const ballot = await signBallot(governor, holder, id, VoteType.For);
      await expect(governor.connect(relayer).castVoteBySig(id, VoteType.For, holder.address, ballot))
        .to.emit(governor, "VoteCast")
        .withArgs(holder.address, id, VoteType.For, DRIVER_RIDE[0] / 2n, "");
      expect(await ethers.provider.getBalance(holder.address)).to.equal(0n);
    });

    it("delegates, proposes and votes through the forwarder, a third account paying", async function () {
      const { token, governor, market, forwarder, drivers, others } = await loadFixture(
        deployGovernanceWithVotersFixture,
      );
      const holder = penniless();
      const relayer = others[0];
      const weight = DRIVER_RIDE[0] / 2n;
      await token.connect(drivers[0]).transfer(holder.address, weight);
      await expect(relay(forwarder, relayer, holder, token, "delegate", [holder.address]))
        .to.emit(token, "DelegateChanged")
        .withArgs(holder.address, ethers.ZeroAddress, holder.address);
      await time.increase(1);

      const p = proposal([await call(market, "setParameter", [ethers.encodeBytes32String("feeBps"), 400])], "fee 4%");
      const id = await governor.getProposalId(p.targets, p.values, p.calldatas, p.descriptionHash);
      await expect(
        relay(forwarder, relayer, holder, governor, "propose", [p.targets, p.values, p.calldatas, p.description]),
      ).to.emit(governor, "ProposalCreated");
      expect(await governor.proposalProposer(id)).to.equal(holder.address);
      await toVotingStart(governor, id);
      await expect(relay(forwarder, relayer, holder, governor, "castVote", [id, VoteType.For]))
        .to.emit(governor, "VoteCast")
        .withArgs(holder.address, id, VoteType.For, weight, "");
      expect(await ethers.provider.getBalance(holder.address)).to.equal(0n);
    });
  });
});
