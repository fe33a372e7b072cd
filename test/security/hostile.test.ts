import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroAddress, ZeroHash } from "ethers";
import type { BaseContract } from "ethers";
import type {
  BlocklistToken,
  CoopToken,
  FeeOnTransferToken,
  ReentrantToken,
  ReturnsFalseToken,
  RevertingReceiver,
  RideMarket,
} from "../../typechain-types";
import {
  acceptedRide,
  deployMarketFixture,
  deployRideMarket,
  TEST_PARAMS,
  RIDE_CAP,
  requestParams,
  requestRide,
  RideState,
  startedRide,
  usd,
} from "../fixtures/market";

/** A well-formed request whose expiry passed (re-entry tests never get past the guard). */
const STALE_REQUEST = {
  pickupCell: "0x7779646d3676",
  dropoffCell: "0x777964713865",
  commitment: ZeroHash,
  maxFare: 20_000_000n,
  expiresAt: 1,
  minRating: 0,
  driver: ZeroAddress,
};

type Hostile = ReturnsFalseToken | FeeOnTransferToken | ReentrantToken | BlocklistToken;

interface HostileWorld<T extends Hostile> {
  fare: T;
  token: CoopToken;
  market: RideMarket;
  governance: HardhatEthersSigner;
  riders: HardhatEthersSigner[];
  drivers: HardhatEthersSigner[];
  others: HardhatEthersSigner[];
}

/** A market whose fare token is the hostile mock `name`; riders and drivers hold 1,000 of it. */
async function hostileMarket<T extends Hostile>(name: string, registerDrivers: boolean): Promise<HostileWorld<T>> {
  const [, governance, court, r1, r2, d1, d2, ...others] = await ethers.getSigners();
  const fare = (await ethers.deployContract(name)) as unknown as T;
  const forwarder = await (await ethers.deployContract("RideCoopForwarder")).getAddress();
  const token = await ethers.deployContract("CoopToken", [
    RIDE_CAP,
    await fare.getAddress(),
    governance.address,
    forwarder,
  ]);
  const market = await deployRideMarket(
    await fare.getAddress(),
    await token.getAddress(),
    governance.address,
    forwarder,
  );
  await token.setMinter(await market.getAddress());
  await market.setCourt(court.address);
  const riders = [r1, r2];
  const drivers = [d1, d2];
  for (const who of [...riders, ...drivers]) {
    await fare.mint(who.address, usd("1000"));
    await fare.connect(who).approve(await market.getAddress(), ethers.MaxUint256);
  }
  if (registerDrivers) for (const d of drivers) await market.connect(d).registerDriver(usd("100"));
  return { fare, token, market, governance, riders, drivers, others };
}

const returnsFalse = () => hostileMarket<ReturnsFalseToken>("ReturnsFalseToken", true);
const feeOnTransfer = () => hostileMarket<FeeOnTransferToken>("FeeOnTransferToken", false);
const reentrant = () => hostileMarket<ReentrantToken>("ReentrantToken", true);
const blocklist = () => hostileMarket<BlocklistToken>("BlocklistToken", true);

describe("Security: hostile fare tokens and callers", function () {
  describe("a token that returns false instead of reverting", function () {
    it("reverts a ride request with SafeERC20FailedOperation when the pull returns false", async function () {
      const { fare, market, others } = await loadFixture(returnsFalse);
      await fare.connect(others[0]).approve(await market.getAddress(), ethers.MaxUint256);
      await expect(market.connect(others[0]).requestRide(await requestParams()))
        .to.be.revertedWithCustomError(market, "SafeERC20FailedOperation")
        .withArgs(await fare.getAddress());
    });

    it("reverts a driver's registration with SafeERC20FailedOperation when the stake pull returns false", async function () {
      const { fare, market, others } = await loadFixture(returnsFalse);
      await expect(market.connect(others[0]).registerDriver(usd("100")))
        .to.be.revertedWithCustomError(market, "SafeERC20FailedOperation")
        .withArgs(await fare.getAddress());
    });

    it("keeps the rider's credit when a withdrawal's transfer returns false", async function () {
      const { fare, market, riders } = await loadFixture(returnsFalse);
      const id = await requestRide(market, riders[0]);
      await market.connect(riders[0]).cancelRide(id);
      await fare.setFailing(true);
      await expect(market.connect(riders[0]).withdraw(riders[0].address))
        .to.be.revertedWithCustomError(market, "SafeERC20FailedOperation")
        .withArgs(await fare.getAddress());
      expect(await market.creditOf(riders[0].address)).to.equal(usd("20"));
    });

    it("pays the kept credit once the token transfers again", async function () {
      const { fare, market, riders } = await loadFixture(returnsFalse);
      const id = await requestRide(market, riders[0]);
      await market.connect(riders[0]).cancelRide(id);
      await fare.setFailing(true);
      await expect(market.connect(riders[0]).withdraw(riders[0].address))
        .to.be.revertedWithCustomError(market, "SafeERC20FailedOperation")
        .withArgs(await fare.getAddress());
      await fare.setFailing(false);
      await expect(market.connect(riders[0]).withdraw(riders[0].address)).to.changeTokenBalances(
        fare,
        [market, riders[0]],
        [-usd("20"), usd("20")],
      );
    });
  });

  describe("a token that takes a fee on transfer", function () {
    it("refuses a ride request with FeeOnTransferToken(sent, received)", async function () {
      const { market, riders } = await loadFixture(feeOnTransfer);
      await expect(market.connect(riders[0]).requestRide(await requestParams()))
        .to.be.revertedWithCustomError(market, "FeeOnTransferToken")
        .withArgs(usd("20"), usd("19.8"));
    });

    it("refuses a driver's stake with FeeOnTransferToken(sent, received)", async function () {
      const { market, drivers } = await loadFixture(feeOnTransfer);
      await expect(market.connect(drivers[0]).registerDriver(usd("100")))
        .to.be.revertedWithCustomError(market, "FeeOnTransferToken")
        .withArgs(usd("100"), usd("99"));
    });

    it("refuses a deposit with FeeOnTransferToken(sent, received)", async function () {
      const { market, riders } = await loadFixture(feeOnTransfer);
      await expect(market.connect(riders[0]).deposit(usd("100")))
        .to.be.revertedWithCustomError(market, "FeeOnTransferToken")
        .withArgs(usd("100"), usd("99"));
    });

    it("refuses added stake with FeeOnTransferToken once the fee is switched on", async function () {
      const { fare, market, drivers } = await loadFixture(feeOnTransfer);
      await fare.setFeeBps(0);
      await market.connect(drivers[0]).registerDriver(usd("100"));
      await fare.setFeeBps(100);
      await expect(market.connect(drivers[0]).addStake(usd("10")))
        .to.be.revertedWithCustomError(market, "FeeOnTransferToken")
        .withArgs(usd("10"), usd("9.9"));
    });
  });

  describe("a token that re-enters the market during a transfer", function () {
    /** Every external function that moves money, with arguments that would otherwise pass its checks. */
    const entries: [string, (m: RideMarket, w: HostileWorld<ReentrantToken>) => string][] = [
      ["withdraw", (m, w) => m.interface.encodeFunctionData("withdraw", [w.riders[0].address])],
      ["withdrawStake", (m) => m.interface.encodeFunctionData("withdrawStake", [usd("10")])],
      ["deregisterDriver", (m) => m.interface.encodeFunctionData("deregisterDriver")],
      ["registerDriver", (m) => m.interface.encodeFunctionData("registerDriver", [usd("100")])],
      ["addStake", (m) => m.interface.encodeFunctionData("addStake", [usd("10")])],
      ["cancelRide", (m) => m.interface.encodeFunctionData("cancelRide", [1])],
      ["expireRequest", (m) => m.interface.encodeFunctionData("expireRequest", [1])],
      ["acceptRide", (m) => m.interface.encodeFunctionData("acceptRide", [1, usd("20")])],
      ["deposit", (m) => m.interface.encodeFunctionData("deposit", [usd("10")])],
      [
        "depositWithPermit",
        (m) => m.interface.encodeFunctionData("depositWithPermit", [usd("10"), 0, 0, ZeroHash, ZeroHash]),
      ],
      // Guarded before any check: a request whose expiry passed still meets the guard first.
      ["requestRideFromCredit", (m) => m.interface.encodeFunctionData("requestRideFromCredit", [STALE_REQUEST])],
      ["acceptOffer", (m, w) => m.interface.encodeFunctionData("acceptOffer", [1, w.drivers[0].address, 1])],
      ["confirmRide", (m) => m.interface.encodeFunctionData("confirmRide", [1, 5])],
      ["finalizeRide", (m) => m.interface.encodeFunctionData("finalizeRide", [1])],
      ["cancelDriverNoShow", (m) => m.interface.encodeFunctionData("cancelDriverNoShow", [1])],
      ["cancelRiderNoShow", (m) => m.interface.encodeFunctionData("cancelRiderNoShow", [1])],
      ["reclaimAbandoned", (m) => m.interface.encodeFunctionData("reclaimAbandoned", [1])],
      ["claimRewards", (m) => m.interface.encodeFunctionData("claimRewards")],
      ["withdrawTreasury", (m, w) => m.interface.encodeFunctionData("withdrawTreasury", [w.riders[0].address, 1])],
      ["sweep", (m, w) => m.interface.encodeFunctionData("sweep", [w.fare.target, w.riders[0].address, 1])],
    ];

    /** A rider with a 20 tUSD credit from a cancelled request. */
    async function withCredit() {
      const w = await loadFixture(reentrant);
      const id = await requestRide(w.market, w.riders[0]);
      await w.market.connect(w.riders[0]).cancelRide(id);
      return w;
    }

    for (const [name, encode] of entries) {
      it(`refuses re-entry into ${name} from a withdrawal's transfer with ReentrancyGuardReentrantCall`, async function () {
        const w = await withCredit();
        await w.fare.arm(await w.market.getAddress(), encode(w.market, w));
        await expect(w.market.connect(w.riders[0]).withdraw(w.riders[0].address)).to.be.revertedWithCustomError(
          w.market,
          "ReentrancyGuardReentrantCall",
        );
      });
    }

    it("refuses re-entry into withdraw from the pull of a ride request", async function () {
      const w = await withCredit();
      await w.fare.arm(
        await w.market.getAddress(),
        w.market.interface.encodeFunctionData("withdraw", [w.riders[0].address]),
      );
      await expect(w.market.connect(w.riders[1]).requestRide(await requestParams())).to.be.revertedWithCustomError(
        w.market,
        "ReentrancyGuardReentrantCall",
      );
    });

    it("keeps the attacker's own credit and cannot pay it twice", async function () {
      const w = await loadFixture(reentrant);
      const attacker = w.fare;
      const market = await w.market.getAddress();
      await attacker.mint(await attacker.getAddress(), usd("100"));
      await attacker.execute(
        await attacker.getAddress(),
        attacker.interface.encodeFunctionData("approve", [market, usd("100")]),
      );
      await attacker.execute(market, w.market.interface.encodeFunctionData("requestRide", [await requestParams()]));
      await attacker.execute(market, w.market.interface.encodeFunctionData("cancelRide", [1]));
      const withdrawData = w.market.interface.encodeFunctionData("withdraw", [await attacker.getAddress()]);
      await attacker.arm(market, withdrawData);
      await expect(attacker.execute(market, withdrawData)).to.be.revertedWithCustomError(
        w.market,
        "ReentrancyGuardReentrantCall",
      );
      expect(await w.market.creditOf(await attacker.getAddress())).to.equal(usd("20"));
    });

    it("lets an honest rider withdraw after an attack failed", async function () {
      const w = await withCredit();
      await w.fare.arm(await w.market.getAddress(), w.market.interface.encodeFunctionData("claimRewards"));
      await expect(w.market.connect(w.riders[0]).withdraw(w.riders[0].address)).to.be.revertedWithCustomError(
        w.market,
        "ReentrancyGuardReentrantCall",
      );
      await w.fare.arm(ZeroAddress, "0x");
      await expect(w.market.connect(w.riders[0]).withdraw(w.riders[0].address)).to.changeTokenBalances(
        w.fare,
        [w.market, w.riders[0]],
        [-usd("20"), usd("20")],
      );
    });
  });

  describe("a token with a blocklist", function () {
    it("refunds the rider of a no-show driver who is blocklisted", async function () {
      const { fare, market, riders, drivers } = await loadFixture(blocklist);
      const id = await acceptedRide(market, riders[0], drivers[0]);
      await fare.setBlocked(drivers[0].address, true);
      await time.increase(TEST_PARAMS.pickupWindow as number);
      await market.connect(riders[0]).cancelDriverNoShow(id);
      await expect(market.connect(riders[0]).withdraw(riders[0].address)).to.changeTokenBalances(
        fare,
        [market, riders[0]],
        [-usd("25"), usd("25")],
      );
    });

    it("refuses only the blocklisted driver's own withdrawal, with the token's Blocked error", async function () {
      const { fare, market, riders, drivers } = await loadFixture(blocklist);
      const id = await startedRide(market, riders[0], drivers[0]);
      await market.connect(riders[0]).confirmRide(id, 5);
      await fare.setBlocked(drivers[0].address, true);
      await expect(market.connect(drivers[0]).withdraw(drivers[0].address))
        .to.be.revertedWithCustomError(fare, "Blocked")
        .withArgs(drivers[0].address);
    });

    it("lets everyone else withdraw while a driver is blocklisted", async function () {
      const { fare, market, riders, drivers } = await loadFixture(blocklist);
      const done = await startedRide(market, riders[0], drivers[0]);
      await market.connect(riders[0]).confirmRide(done, 5);
      const cancelled = await requestRide(market, riders[1]);
      await market.connect(riders[1]).cancelRide(cancelled);
      await fare.setBlocked(drivers[0].address, true);
      await expect(market.connect(riders[1]).withdraw(riders[1].address)).to.changeTokenBalances(
        fare,
        [market, riders[1]],
        [-usd("20"), usd("20")],
      );
    });

    it("keeps the blocklisted driver's credit until the token lets it move", async function () {
      const { fare, market, riders, drivers } = await loadFixture(blocklist);
      const id = await startedRide(market, riders[0], drivers[0]);
      await market.connect(riders[0]).confirmRide(id, 5);
      await fare.setBlocked(drivers[0].address, true);
      await expect(market.connect(drivers[0]).withdraw(drivers[0].address))
        .to.be.revertedWithCustomError(fare, "Blocked")
        .withArgs(drivers[0].address);
      await fare.setBlocked(drivers[0].address, false);
      await expect(market.connect(drivers[0]).withdraw(drivers[0].address)).to.changeTokenBalances(
        fare,
        [market, drivers[0]],
        [-usd("19"), usd("19")],
      );
    });
  });

  describe("a contract account that reverts on every incoming call", function () {
    /** A RevertingReceiver registered as a driver through its `execute`. */
    async function contractDriver() {
      const f = await loadFixture(deployMarketFixture);
      const receiver = (await ethers.deployContract(
        "RevertingReceiver",
        [],
        f.others[0],
      )) as unknown as RevertingReceiver;
      const market = await f.market.getAddress();
      await f.tusd.connect(f.others[0]).faucet(usd("1000"));
      await f.tusd.connect(f.others[0]).transfer(await receiver.getAddress(), usd("1000"));
      const exec = (target: BaseContract, data: string) => receiver.connect(f.others[0]).execute(target.target, data);
      await exec(f.tusd, f.tusd.interface.encodeFunctionData("approve", [market, ethers.MaxUint256]));
      await exec(f.market, f.market.interface.encodeFunctionData("registerDriver", [usd("100")]));
      return { ...f, receiver, exec };
    }

    it("refunds the rider when the contract driver never shows up", async function () {
      const { market, tusd, riders, receiver, exec } = await contractDriver();
      const id = await requestRide(market, riders[0]);
      await exec(market, market.interface.encodeFunctionData("acceptRide", [id, usd("20")]));
      await time.increase(TEST_PARAMS.pickupWindow as number);
      await market.connect(riders[0]).cancelDriverNoShow(id);
      expect((await market.getRide(id)).state).to.equal(RideState.Cancelled);
      expect((await market.getAccount(await receiver.getAddress())).stake).to.equal(usd("95"));
      await expect(market.connect(riders[0]).withdraw(riders[0].address)).to.changeTokenBalances(
        tusd,
        [market, riders[0]],
        [-usd("25"), usd("25")],
      );
    });

    it("pays a withdrawal sent to the reverting contract, since the market never calls it", async function () {
      const { market, tusd, riders, receiver } = await contractDriver();
      const id = await requestRide(market, riders[0]);
      await market.connect(riders[0]).cancelRide(id);
      await expect(market.connect(riders[0]).withdraw(await receiver.getAddress())).to.changeTokenBalances(
        tusd,
        [market, receiver],
        [-usd("20"), usd("20")],
      );
    });

    it("refuses plain ether with Refused", async function () {
      const { riders, receiver } = await contractDriver();
      await expect(riders[0].sendTransaction({ to: await receiver.getAddress(), value: 1n }))
        .to.be.revertedWithCustomError(receiver, "Refused")
        .withArgs(riders[0].address, "0x00000000");
    });
  });

  describe("donations sent straight to the market", function () {
    it("refuses a sweep of more than the surplus with SweepExceedsSurplus", async function () {
      const { market, tusd, governance, riders } = await loadFixture(deployMarketFixture);
      await requestRide(market, riders[0]);
      await tusd.connect(riders[1]).transfer(await market.getAddress(), usd("7"));
      await expect(market.connect(governance).sweep(tusd.target, governance.address, usd("7") + 1n))
        .to.be.revertedWithCustomError(market, "SweepExceedsSurplus")
        .withArgs(tusd.target, usd("7") + 1n, usd("7"));
    });

    it("sweeps exactly the donation and leaves what is owed", async function () {
      const { market, tusd, governance, riders } = await loadFixture(deployMarketFixture);
      await requestRide(market, riders[0]);
      await tusd.connect(riders[1]).transfer(await market.getAddress(), usd("7"));
      await expect(market.connect(governance).sweep(tusd.target, governance.address, usd("7"))).to.changeTokenBalances(
        tusd,
        [market, governance],
        [-usd("7"), usd("7")],
      );
      expect(await tusd.balanceOf(await market.getAddress())).to.equal((await market.totals()).owed);
    });

    it("refuses a sweep by anyone but governance with NotGovernance", async function () {
      const { market, tusd, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).sweep(tusd.target, riders[0].address, 1n))
        .to.be.revertedWithCustomError(market, "NotGovernance")
        .withArgs(riders[0].address);
    });
  });
});
