import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { loadFixture } from "../helpers/fixture";
import {
  deployMarketFixture,
  expectConserved,
  reason,
  requestParams,
  RideState,
  signPermit,
  usd,
} from "../fixtures/market";
import { signForwardRequest } from "../../src/client/forwarder";
import { areaTopic, cellToBytes6 } from "../../src/geo";

/**
 * Issue 16: a rider keeps a balance in the market, like a transit card: `deposit` pays into the
 * rider's credit, `requestRideFromCredit` escrows from it with no token call, and refunds stay
 * spendable without a withdrawal.
 */

/** Rider 0 deposited 100 tUSD. */
async function depositedFixture() {
  const f = await deployMarketFixture();
  await f.market.connect(f.riders[0]).deposit(usd("100"));
  return f;
}

/** Rider 0 deposited 100 tUSD and requested a 20 tUSD ride from credit (ride 1). */
async function requestedFromCreditFixture() {
  const f = await depositedFixture();
  await f.market.connect(f.riders[0]).requestRideFromCredit(await requestParams());
  return f;
}

describe("RideMarket: a balance in the market (deposit, requests funded from credit)", function () {
  describe("deposit", function () {
    it("pulls the amount from the wallet into the caller's credit", async function () {
      const { market, tusd, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).deposit(usd("100"))).to.changeTokenBalances(
        tusd,
        [riders[0], market],
        [-usd("100"), usd("100")],
      );
    });

    it("adds the amount to the caller's credit", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      await market.connect(riders[0]).deposit(usd("5"));
      expect(await market.creditOf(riders[0].address)).to.equal(usd("105"));
    });

    it("emits Deposited(account, amount, balance)", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      await expect(market.connect(riders[0]).deposit(usd("5")))
        .to.emit(market, "Deposited")
        .withArgs(riders[0].address, usd("5"), usd("105"));
    });

    it("counts the deposit as owed, so the market still holds exactly what it owes", async function () {
      const f = await loadFixture(depositedFixture);
      expect((await f.market.totals()).owed).to.equal(usd("400")); // three stakes and the deposit
      await expectConserved(f);
    });

    it("reverts a zero deposit with AmountZero", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[0]).deposit(0)).to.be.revertedWithCustomError(market, "AmountZero");
    });
  });

  describe("depositWithPermit", function () {
    it("deposits with a signed permit and no prior approval", async function () {
      const f = await loadFixture(deployMarketFixture);
      const { market, tusd, others } = f;
      const rider = others[0];
      await tusd.connect(rider).faucet(usd("100"));
      const deadline = BigInt((await time.latest()) + 3600);
      const { v, r, s } = await signPermit(tusd, rider, await market.getAddress(), usd("50"), deadline);
      await expect(market.connect(rider).depositWithPermit(usd("50"), deadline, v, r, s))
        .to.emit(market, "Deposited")
        .withArgs(rider.address, usd("50"), usd("50"));
      await expectConserved(f);
    });

    it("still succeeds when someone front-ran the same permit", async function () {
      const { market, tusd, others } = await loadFixture(deployMarketFixture);
      const [rider, frontRunner] = others;
      await tusd.connect(rider).faucet(usd("100"));
      const deadline = BigInt((await time.latest()) + 3600);
      const marketAddress = await market.getAddress();
      const { v, r, s } = await signPermit(tusd, rider, marketAddress, usd("50"), deadline);
      await tusd.connect(frontRunner).permit(rider.address, marketAddress, usd("50"), deadline, v, r, s);
      await expect(market.connect(rider).depositWithPermit(usd("50"), deadline, v, r, s))
        .to.emit(market, "Deposited")
        .withArgs(rider.address, usd("50"), usd("50"));
    });

    it("reverts with the token's allowance error when the permit is bad and nothing is approved", async function () {
      const { market, tusd, others } = await loadFixture(deployMarketFixture);
      const rider = others[0];
      await tusd.connect(rider).faucet(usd("100"));
      const deadline = BigInt((await time.latest()) + 3600);
      const marketAddress = await market.getAddress();
      const { v, r, s } = await signPermit(tusd, rider, marketAddress, usd("1"), deadline);
      await expect(market.connect(rider).depositWithPermit(usd("50"), deadline, v, r, s))
        .to.be.revertedWithCustomError(tusd, "ERC20InsufficientAllowance")
        .withArgs(marketAddress, 0n, usd("50"));
    });
  });

  describe("requestRideFromCredit", function () {
    it("escrows the max fare from credit with no token transfer", async function () {
      const { market, tusd, riders } = await loadFixture(depositedFixture);
      await expect(market.connect(riders[0]).requestRideFromCredit(await requestParams())).to.changeTokenBalances(
        tusd,
        [riders[0], market],
        [0n, 0n],
      );
    });

    it("lowers the rider's credit by the max fare", async function () {
      const { market, riders } = await loadFixture(requestedFromCreditFixture);
      expect(await market.creditOf(riders[0].address)).to.equal(usd("80"));
    });

    it("stores the ride as a requested ride escrowing the max fare", async function () {
      const { market, riders } = await loadFixture(requestedFromCreditFixture);
      const r = await market.getRide(1);
      expect([r.rider, r.fare, r.state]).to.deep.equal([riders[0].address, usd("20"), BigInt(RideState.Requested)]);
    });

    it("emits CreditSpent(account, rideId, amount, balance)", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      await expect(market.connect(riders[0]).requestRideFromCredit(await requestParams()))
        .to.emit(market, "CreditSpent")
        .withArgs(riders[0].address, 1n, usd("20"), usd("80"));
    });

    it("emits RideRequested with the request's data", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      const req = await requestParams();
      await expect(market.connect(riders[0]).requestRideFromCredit(req))
        .to.emit(market, "RideRequested")
        .withArgs(
          1n,
          riders[0].address,
          areaTopic("wydm6v"),
          cellToBytes6("wydm6v"),
          cellToBytes6("wydq8e"),
          req.commitment,
          usd("20"),
          req.expiresAt,
          0,
          ZeroAddress,
        );
    });

    it("keeps the money invariant (credit and escrow are both owed)", async function () {
      const f = await loadFixture(requestedFromCreditFixture);
      expect((await f.market.totals()).owed).to.equal(usd("400"));
      await expectConserved(f);
    });

    it("spends the whole credit, leaving zero", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      await market.connect(riders[0]).requestRideFromCredit(await requestParams({ maxFare: usd("100") }));
      expect(await market.creditOf(riders[0].address)).to.equal(0n);
    });

    it("reverts above the credit with CreditInsufficient(account, needed, available)", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      await expect(market.connect(riders[0]).requestRideFromCredit(await requestParams({ maxFare: usd("100.000001") })))
        .to.be.revertedWithCustomError(market, "CreditInsufficient")
        .withArgs(riders[0].address, usd("100.000001"), usd("100"));
    });

    it("reverts without any credit with CreditInsufficient(account, needed, 0)", async function () {
      const { market, riders } = await loadFixture(deployMarketFixture);
      await expect(market.connect(riders[1]).requestRideFromCredit(await requestParams()))
        .to.be.revertedWithCustomError(market, "CreditInsufficient")
        .withArgs(riders[1].address, usd("20"), 0n);
    });

    it("reverts after the credit was withdrawn (the marker is no credit)", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      await market.connect(riders[0]).withdraw(riders[0].address);
      await expect(market.connect(riders[0]).requestRideFromCredit(await requestParams()))
        .to.be.revertedWithCustomError(market, "CreditInsufficient")
        .withArgs(riders[0].address, usd("20"), 0n);
    });

    it("checks the request like requestRide (a zero fare reverts with FareZero)", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      await expect(
        market.connect(riders[0]).requestRideFromCredit(await requestParams({ maxFare: 0n })),
      ).to.be.revertedWithCustomError(market, "FareZero");
    });

    it("checks the cells like requestRide (InvalidCell)", async function () {
      const { market, riders } = await loadFixture(depositedFixture);
      const req = { ...(await requestParams()), pickupCell: "0x414141414141" };
      await expect(market.connect(riders[0]).requestRideFromCredit(req))
        .to.be.revertedWithCustomError(market, "InvalidCell")
        .withArgs("0x414141414141");
    });

    it("spends a refund without a withdrawal: a cancelled request's escrow funds the next", async function () {
      const { market, riders } = await loadFixture(requestedFromCreditFixture);
      await expect(market.connect(riders[0]).cancelRide(1))
        .to.emit(market, "RideCancelled")
        .withArgs(1n, reason("rider"), riders[0].address, usd("20"), 0n);
      await expect(market.connect(riders[0]).requestRideFromCredit(await requestParams({ maxFare: usd("100") })))
        .to.emit(market, "CreditSpent")
        .withArgs(riders[0].address, 2n, usd("100"), 0n);
    });

    it("lets a driver ride on earnings: a fare credited at confirmation funds a request", async function () {
      const f = await loadFixture(requestedFromCreditFixture);
      const { market, riders, drivers } = f;
      await market.connect(drivers[0]).acceptRide(1, usd("20"));
      await market.connect(drivers[0]).startRide(1);
      await market.connect(riders[0]).confirmRide(1, 5);
      const earned = await market.creditOf(drivers[0].address);
      await market.connect(drivers[0]).requestRideFromCredit(await requestParams({ maxFare: earned }));
      expect(await market.creditOf(drivers[0].address)).to.equal(0n);
      await expectConserved(f);
    });

    it("runs through the trusted forwarder as the signer", async function () {
      const { market, forwarder, riders, others } = await loadFixture(depositedFixture);
      const data = market.interface.encodeFunctionData("requestRideFromCredit", [await requestParams()]);
      const request = await signForwardRequest(forwarder, riders[0], await market.getAddress(), data);
      await expect(forwarder.connect(others[0]).execute(request))
        .to.emit(market, "CreditSpent")
        .withArgs(riders[0].address, 1n, usd("20"), usd("80"));
    });
  });
});
