import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import fc from "fast-check";
import { deployTokenFixture, ride, usd, type TokenFixture } from "../fixtures/token";

/**
 * A power-of-two amount of RIDE (about 1.15 RIDE). Supplies that are multiples of it divide
 * the 2^96 accumulator scale exactly, so the unit tests below see exact shares; the rounding
 * tests use whole RIDE (10^18), which does not.
 */
const UNIT = 2n ** 60n;

/** The fixture with RIDE minted to the first holders: `amounts[i]` to `holders[i]`. */
async function withHolders(amounts: bigint[]): Promise<TokenFixture> {
  const f = await loadFixture(deployTokenFixture);
  for (const [i, amount] of amounts.entries()) await f.minter.mint(f.holders[i].address, amount);
  return f;
}

describe("RevenueShare (on CoopToken)", function () {
  describe("depositRevenue", function () {
    it("shares a deposit pro rata to balances", async function () {
      const { token, depositor, holders } = await withHolders([300n * UNIT, 100n * UNIT]);
      await token.connect(depositor).depositRevenue(usd("100"));
      expect(await token.claimableRevenue(holders[0].address)).to.equal(usd("75"));
      expect(await token.claimableRevenue(holders[1].address)).to.equal(usd("25"));
    });

    it("pulls the amount from the depositor and emits RevenueDeposited", async function () {
      const { token, tusd, depositor } = await withHolders([UNIT]);
      const tx = token.connect(depositor).depositRevenue(usd("10"));
      await expect(tx).to.emit(token, "RevenueDeposited").withArgs(depositor.address, usd("10"), usd("10"));
      await expect(tx).to.changeTokenBalances(tusd, [depositor, token], [-usd("10"), usd("10")]);
    });

    it("reverts with RevenueZeroAmount for a zero deposit", async function () {
      const { token, depositor } = await withHolders([UNIT]);
      await expect(token.connect(depositor).depositRevenue(0n)).to.be.revertedWithCustomError(
        token,
        "RevenueZeroAmount",
      );
    });

    it("gives nothing of a deposit to a holder who buys right after it", async function () {
      const { token, depositor, holders } = await withHolders([100n * UNIT]);
      const [seller, buyer] = holders;
      await token.connect(depositor).depositRevenue(usd("10"));
      await token.connect(seller).transfer(buyer.address, 50n * UNIT);
      expect(await token.claimableRevenue(buyer.address)).to.equal(0n);
      expect(await token.claimableRevenue(seller.address)).to.equal(usd("10"));
    });

    it("gives a buy-before/sell-after sandwich only its share of that deposit, nothing of earlier ones", async function () {
      const { token, depositor, holders } = await withHolders([200n * UNIT]);
      const [seller, sandwich] = holders;
      await token.connect(depositor).depositRevenue(usd("40")); // accrued before the sandwich
      await token.connect(seller).transfer(sandwich.address, 100n * UNIT); // buy half the supply
      await token.connect(depositor).depositRevenue(usd("10"));
      await token.connect(sandwich).transfer(seller.address, 100n * UNIT); // sell back
      expect(await token.claimableRevenue(sandwich.address)).to.equal(usd("5"));
      expect(await token.claimableRevenue(seller.address)).to.equal(usd("45"));
    });
  });

  describe("with zero supply", function () {
    it("keeps a deposit waiting in revenueTotals and shares none of it", async function () {
      const { token, depositor } = await loadFixture(deployTokenFixture);
      await expect(token.connect(depositor).depositRevenue(usd("7")))
        .to.emit(token, "RevenueDeposited")
        .withArgs(depositor.address, usd("7"), 0n);
      const totals = await token.revenueTotals();
      expect(totals.deposited).to.equal(usd("7"));
      expect(totals.waiting).to.equal(usd("7"));
    });

    it("does not give waiting revenue to the first holders before the next deposit", async function () {
      const { token, minter, depositor, holders } = await loadFixture(deployTokenFixture);
      await token.connect(depositor).depositRevenue(usd("7"));
      await minter.mint(holders[0].address, UNIT);
      expect(await token.claimableRevenue(holders[0].address)).to.equal(0n);
    });

    it("shares waiting revenue among the first holders with the next deposit", async function () {
      const { token, minter, depositor, holders } = await loadFixture(deployTokenFixture);
      await token.connect(depositor).depositRevenue(usd("7"));
      await minter.mint(holders[0].address, 3n * UNIT);
      await minter.mint(holders[1].address, UNIT);
      await expect(token.connect(depositor).depositRevenue(usd("1")))
        .to.emit(token, "RevenueDeposited")
        .withArgs(depositor.address, usd("1"), usd("8"));
      expect((await token.revenueTotals()).waiting).to.equal(0n);
      expect(await token.claimableRevenue(holders[0].address)).to.equal(usd("6"));
      expect(await token.claimableRevenue(holders[1].address)).to.equal(usd("2"));
    });
  });

  describe("claimRevenue", function () {
    it("pays the claimable revenue to the given address", async function () {
      const { token, tusd, depositor, holders } = await withHolders([UNIT]);
      const [holder, wallet] = holders;
      await token.connect(depositor).depositRevenue(usd("3"));
      await expect(token.connect(holder).claimRevenue(wallet.address)).to.changeTokenBalances(
        tusd,
        [token, wallet, holder],
        [-usd("3"), usd("3"), 0n],
      );
    });

    it("emits RevenueClaimed with the holder, the recipient and the amount", async function () {
      const { token, depositor, holders } = await withHolders([UNIT]);
      const [holder, wallet] = holders;
      await token.connect(depositor).depositRevenue(usd("3"));
      await expect(token.connect(holder).claimRevenue(wallet.address))
        .to.emit(token, "RevenueClaimed")
        .withArgs(holder.address, wallet.address, usd("3"));
    });

    it("counts the claim in revenueTotals and leaves nothing claimable", async function () {
      const { token, depositor, holders } = await withHolders([UNIT]);
      await token.connect(depositor).depositRevenue(usd("3"));
      await token.connect(holders[0]).claimRevenue(holders[0].address);
      expect((await token.revenueTotals()).claimed).to.equal(usd("3"));
      expect(await token.claimableRevenue(holders[0].address)).to.equal(0n);
    });

    it("reverts with RevenueZeroAmount on a second claim", async function () {
      const { token, depositor, holders } = await withHolders([UNIT]);
      await token.connect(depositor).depositRevenue(usd("3"));
      await token.connect(holders[0]).claimRevenue(holders[0].address);
      await expect(token.connect(holders[0]).claimRevenue(holders[0].address)).to.be.revertedWithCustomError(
        token,
        "RevenueZeroAmount",
      );
    });

    it("reverts with RevenueZeroAmount for a holder who never held during a deposit", async function () {
      const { token, depositor, holders } = await withHolders([UNIT]);
      await token.connect(depositor).depositRevenue(usd("3"));
      await expect(token.connect(holders[1]).claimRevenue(holders[1].address)).to.be.revertedWithCustomError(
        token,
        "RevenueZeroAmount",
      );
    });
  });

  describe("transfers", function () {
    it("move future entitlement to the recipient and leave past accruals with the sender", async function () {
      const { token, depositor, holders } = await withHolders([100n * UNIT]);
      const [from, to] = holders;
      await token.connect(depositor).depositRevenue(usd("10"));
      await token.connect(from).transfer(to.address, 100n * UNIT);
      await token.connect(depositor).depositRevenue(usd("4"));
      expect(await token.claimableRevenue(from.address)).to.equal(usd("10"));
      expect(await token.claimableRevenue(to.address)).to.equal(usd("4"));
    });

    it("leave a sender's past accruals claimable after it claimed part and sold everything", async function () {
      const { token, depositor, holders } = await withHolders([100n * UNIT]);
      const [from, to] = holders;
      await token.connect(depositor).depositRevenue(usd("10"));
      await token.connect(from).claimRevenue(from.address);
      await token.connect(depositor).depositRevenue(usd("6"));
      await token.connect(from).transfer(to.address, 100n * UNIT);
      await expect(token.connect(from).claimRevenue(from.address))
        .to.emit(token, "RevenueClaimed")
        .withArgs(from.address, from.address, usd("6"));
    });
  });

  describe("rounding", function () {
    it("rounds a share down, so a sole holder of 1 RIDE is one unit short of a 3 tUSD deposit", async function () {
      const { token, depositor, holders } = await withHolders([ride("1")]);
      await token.connect(depositor).depositRevenue(usd("3"));
      // floor(3e6 * 2^96 / 1e18) loses a fraction of a point per share, and the claim floors again.
      expect(await token.claimableRevenue(holders[0].address)).to.equal(usd("3") - 1n);
    });

    it("keeps a holder's shortfall under one unit across many deposits", async function () {
      const { token, depositor, holders } = await withHolders([ride("1")]);
      for (let i = 0; i < 20; i++) await token.connect(depositor).depositRevenue(usd("3"));
      expect(await token.claimableRevenue(holders[0].address)).to.equal(usd("60") - 1n);
    });

    it("never pays out more than was deposited (3 equal holders, 10 units)", async function () {
      const { token, tusd, depositor, holders } = await withHolders([ride("1"), ride("1"), ride("1")]);
      await token.connect(depositor).depositRevenue(10n);
      let paid = 0n;
      for (const h of holders.slice(0, 3)) {
        const before = await tusd.balanceOf(h.address);
        await token.connect(h).claimRevenue(h.address);
        paid += (await tusd.balanceOf(h.address)) - before;
      }
      expect(paid).to.equal(9n);
      expect((await token.revenueTotals()).claimed).to.equal(paid);
      expect(await tusd.balanceOf(await token.getAddress())).to.equal(10n - paid);
    });

    it("keeps rounding dust owed, so governance cannot sweep it", async function () {
      const { token, tusd, depositor, governance, holders } = await withHolders([ride("1"), ride("1"), ride("1")]);
      await token.connect(depositor).depositRevenue(10n);
      for (const h of holders.slice(0, 3)) await token.connect(h).claimRevenue(h.address);
      await expect(token.connect(governance).sweep(await tusd.getAddress(), governance.address, 1n))
        .to.be.revertedWithCustomError(token, "RevenueSweepExceedsSurplus")
        .withArgs(await tusd.getAddress(), 1n, 0n);
    });
  });

  describe("sweep", function () {
    it("reverts with RevenueNotGovernance for any caller but governance", async function () {
      const { token, tusd, deployer } = await withHolders([UNIT]);
      await expect(token.connect(deployer).sweep(await tusd.getAddress(), deployer.address, 0n))
        .to.be.revertedWithCustomError(token, "RevenueNotGovernance")
        .withArgs(deployer.address);
    });

    it("sends a donation of the revenue token to governance's recipient and emits Swept", async function () {
      const { token, tusd, depositor, governance, others } = await withHolders([UNIT]);
      const tusdAddress = await tusd.getAddress();
      await tusd.connect(depositor).transfer(await token.getAddress(), usd("2"));
      const tx = token.connect(governance).sweep(tusdAddress, others[0].address, usd("2"));
      await expect(tx).to.emit(token, "Swept").withArgs(tusdAddress, others[0].address, usd("2"));
      await expect(tx).to.changeTokenBalances(tusd, [token, others[0]], [-usd("2"), usd("2")]);
    });

    it("reverts with RevenueSweepExceedsSurplus when the amount reaches into owed revenue", async function () {
      const { token, tusd, depositor, governance } = await withHolders([UNIT]);
      const tusdAddress = await tusd.getAddress();
      await token.connect(depositor).depositRevenue(usd("5"));
      await tusd.connect(depositor).transfer(await token.getAddress(), usd("2"));
      await expect(token.connect(governance).sweep(tusdAddress, governance.address, usd("2") + 1n))
        .to.be.revertedWithCustomError(token, "RevenueSweepExceedsSurplus")
        .withArgs(tusdAddress, usd("2") + 1n, usd("2"));
    });

    it("reverts with RevenueSweepExceedsSurplus for owed revenue when nothing was donated", async function () {
      const { token, tusd, depositor, governance } = await withHolders([UNIT]);
      const tusdAddress = await tusd.getAddress();
      await token.connect(depositor).depositRevenue(usd("5"));
      await expect(token.connect(governance).sweep(tusdAddress, governance.address, 1n))
        .to.be.revertedWithCustomError(token, "RevenueSweepExceedsSurplus")
        .withArgs(tusdAddress, 1n, 0n);
    });

    it("counts waiting revenue (zero supply) as owed", async function () {
      const { token, tusd, depositor, governance } = await loadFixture(deployTokenFixture);
      const tusdAddress = await tusd.getAddress();
      await token.connect(depositor).depositRevenue(usd("5"));
      await expect(token.connect(governance).sweep(tusdAddress, governance.address, 1n))
        .to.be.revertedWithCustomError(token, "RevenueSweepExceedsSurplus")
        .withArgs(tusdAddress, 1n, 0n);
    });

    it("sweeps another token sent by mistake in full", async function () {
      const { token, governance, holders } = await withHolders([UNIT]);
      const stray = await ethers.deployContract("TestUSD");
      await stray.connect(holders[0]).faucet(usd("9"));
      await stray.connect(holders[0]).transfer(await token.getAddress(), usd("9"));
      await expect(
        token.connect(governance).sweep(await stray.getAddress(), governance.address, usd("9")),
      ).to.changeTokenBalances(stray, [token, governance], [-usd("9"), usd("9")]);
    });
  });

  describe("property: random deposits, transfers, mints and claims", function () {
    const HOLDERS = 5;
    const STEPS = 1_000;
    /** Fixed-point scale of the exact model: its floor error is 1e-30 unit per deposit. */
    const SCALE = 10n ** 30n;

    type Action =
      | { kind: "deposit"; amount: bigint }
      | { kind: "transfer"; from: number; to: number; permille: bigint }
      | { kind: "mint"; to: number; amount: bigint }
      | { kind: "claim"; who: number };

    const holder = fc.integer({ min: 0, max: HOLDERS - 1 });
    const action: fc.Arbitrary<Action> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant("deposit" as const),
          // Tiny deposits stress rounding; larger ones are realistic fee batches (<= 10 tUSD).
          amount: fc.oneof(fc.bigInt(1n, 100n), fc.bigInt(1n, usd("10"))),
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant("transfer" as const),
          from: holder,
          to: holder,
          permille: fc.bigInt(0n, 1_000n),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant("mint" as const), to: holder, amount: fc.bigInt(1n, ride("100")) }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("claim" as const), who: holder }) },
    );

    it("pays every holder within 1 unit of its exact pro-rata share, never more, over 1,000 steps", async function () {
      // About 25 s of CPU; the margin is for a machine shared with other jobs.
      this.timeout(300_000);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.bigInt(1n, ride("100000")), { minLength: HOLDERS, maxLength: HOLDERS }),
          fc.array(action, { minLength: STEPS, maxLength: STEPS }),
          async (initial, actions) => {
            const { token, tusd, minter, depositor, holders } = await loadFixture(deployTokenFixture);
            const hs = holders.slice(0, HOLDERS);
            // The depositor needs up to STEPS * 10 tUSD: one faucet draw a day.
            for (let day = 0; day < 10; day++) {
              await time.increase(86_400);
              await tusd.connect(depositor).faucet(usd("1000"));
            }

            const balance = [...initial];
            const exact = hs.map(() => 0n); // entitlement * SCALE, floored per deposit
            const paid = hs.map(() => 0n);
            for (const [i, amount] of initial.entries()) await minter.mint(hs[i].address, amount);
            let supply = initial.reduce((a, b) => a + b, 0n);
            let deposited = 0n;

            const claim = async (i: number): Promise<void> => {
              const amount = await token.claimableRevenue(hs[i].address);
              if (amount === 0n) return;
              await token.connect(hs[i]).claimRevenue(hs[i].address);
              paid[i] += amount;
            };

            for (const a of actions) {
              if (a.kind === "deposit") {
                await token.connect(depositor).depositRevenue(a.amount);
                deposited += a.amount;
                for (let i = 0; i < HOLDERS; i++) exact[i] += (a.amount * balance[i] * SCALE) / supply;
              } else if (a.kind === "transfer") {
                const amount = (balance[a.from] * a.permille) / 1_000n;
                await token.connect(hs[a.from]).transfer(hs[a.to].address, amount);
                balance[a.from] -= amount;
                balance[a.to] += amount;
              } else if (a.kind === "mint") {
                await minter.mint(hs[a.to].address, a.amount);
                balance[a.to] += a.amount;
                supply += a.amount;
              } else {
                await claim(a.who);
              }
            }
            for (let i = 0; i < HOLDERS; i++) await claim(i);

            const totalPaid = paid.reduce((a, b) => a + b, 0n);
            const totals = await token.revenueTotals();
            expect(totals.deposited).to.equal(deposited);
            expect(totals.claimed).to.equal(totalPaid);
            expect(await tusd.balanceOf(await token.getAddress())).to.equal(deposited - totalPaid);
            for (let i = 0; i < HOLDERS; i++) {
              // Never more than the exact share (the model's floors lose < 1/SCALE per deposit)...
              expect(paid[i] * SCALE).to.be.lte(exact[i] + BigInt(actions.length));
              // ...and short of it by less than one unit (the final floor) plus precision loss.
              expect(exact[i] - paid[i] * SCALE).to.be.lt(SCALE + SCALE / 100n);
            }
            // Dust: under one unit per holder, whatever the number of deposits.
            expect(totalPaid).to.be.lte(deposited);
            expect(deposited - totalPaid).to.be.lte(BigInt(HOLDERS));
          },
        ),
        { seed: 42, numRuns: 10 },
      );
    });
  });
});
