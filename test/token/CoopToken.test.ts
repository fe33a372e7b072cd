import { expect } from "chai";
import { ethers } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../helpers/fixture";
import { ZeroAddress } from "ethers";
import {
  deployTokenFixture,
  deployTokenNoMinterFixture,
  recoverPermitSigner,
  ride,
  signPermit,
  TOKEN_CAP,
} from "../fixtures/token";

describe("CoopToken", function () {
  describe("metadata", function () {
    it("is named RideCoop, with symbol RIDE and 18 decimals", async function () {
      const { token } = await loadFixture(deployTokenFixture);
      expect(await token.name()).to.equal("RideCoop");
      expect(await token.symbol()).to.equal("RIDE");
      expect(await token.decimals()).to.equal(18n);
    });

    it("reports the cap it was deployed with", async function () {
      const { token } = await loadFixture(deployTokenFixture);
      expect(await token.cap()).to.equal(TOKEN_CAP);
    });
  });

  describe("clock (ERC-6372)", function () {
    it("declares mode=timestamp", async function () {
      const { token } = await loadFixture(deployTokenFixture);
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
    });

    it("returns the block timestamp", async function () {
      const { token } = await loadFixture(deployTokenFixture);
      const next = (await time.latest()) + 1_000;
      await time.setNextBlockTimestamp(next);
      await mine();
      expect(await token.clock()).to.equal(BigInt(next));
    });
  });

  describe("setMinter", function () {
    it("sets the minter and emits MinterSet", async function () {
      const { token } = await loadFixture(deployTokenNoMinterFixture);
      const minter = await ethers.deployContract("MockMinter", [await token.getAddress()]);
      await expect(token.setMinter(await minter.getAddress()))
        .to.emit(token, "MinterSet")
        .withArgs(await minter.getAddress());
      expect(await token.minter()).to.equal(await minter.getAddress());
    });

    it("reverts with CoopTokenNotInitializer when the caller is not the deployer", async function () {
      const { token, governance } = await loadFixture(deployTokenNoMinterFixture);
      const minter = await ethers.deployContract("MockMinter", [await token.getAddress()]);
      await expect(token.connect(governance).setMinter(await minter.getAddress()))
        .to.be.revertedWithCustomError(token, "CoopTokenNotInitializer")
        .withArgs(governance.address);
    });

    it("reverts with CoopTokenMinterAlreadySet on a second call", async function () {
      const { token, minter } = await loadFixture(deployTokenFixture);
      const other = await ethers.deployContract("MockMinter", [await token.getAddress()]);
      await expect(token.setMinter(await other.getAddress()))
        .to.be.revertedWithCustomError(token, "CoopTokenMinterAlreadySet")
        .withArgs(await minter.getAddress());
    });

    it("reverts with CoopTokenInvalidMinter for an EOA", async function () {
      const { token, others } = await loadFixture(deployTokenNoMinterFixture);
      await expect(token.setMinter(others[0].address))
        .to.be.revertedWithCustomError(token, "CoopTokenInvalidMinter")
        .withArgs(others[0].address);
    });

    it("reverts with CoopTokenInvalidMinter for the zero address", async function () {
      const { token } = await loadFixture(deployTokenNoMinterFixture);
      await expect(token.setMinter(ZeroAddress))
        .to.be.revertedWithCustomError(token, "CoopTokenInvalidMinter")
        .withArgs(ZeroAddress);
    });
  });

  describe("mint", function () {
    it("mints to the recipient through the minter", async function () {
      const { token, minter, holders } = await loadFixture(deployTokenFixture);
      await expect(minter.mint(holders[0].address, ride("10"))).to.changeTokenBalances(
        token,
        [holders[0]],
        [ride("10")],
      );
    });

    it("reverts with CoopTokenNotMinter when called by anyone but the minter", async function () {
      const { token, deployer, holders } = await loadFixture(deployTokenFixture);
      await expect(token.connect(deployer).mint(holders[0].address, 1n))
        .to.be.revertedWithCustomError(token, "CoopTokenNotMinter")
        .withArgs(deployer.address);
    });

    it("reverts with CoopTokenNotMinter before the minter is set", async function () {
      const { token, deployer, holders } = await loadFixture(deployTokenNoMinterFixture);
      await expect(token.connect(deployer).mint(holders[0].address, 1n))
        .to.be.revertedWithCustomError(token, "CoopTokenNotMinter")
        .withArgs(deployer.address);
    });

    it("mints up to the cap exactly", async function () {
      const { token, minter, holders } = await loadFixture(deployTokenFixture);
      await minter.mint(holders[0].address, TOKEN_CAP - 1n);
      await minter.mint(holders[1].address, 1n);
      expect(await token.totalSupply()).to.equal(TOKEN_CAP);
    });

    it("reverts with ERC20ExceededCap one unit past the cap", async function () {
      const { token, minter, holders } = await loadFixture(deployTokenFixture);
      await minter.mint(holders[0].address, TOKEN_CAP);
      await expect(minter.mint(holders[1].address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
        .withArgs(TOKEN_CAP + 1n, TOKEN_CAP);
    });
  });

  describe("auto-delegation on mint", function () {
    it("self-delegates an undelegated recipient on its first mint", async function () {
      const { token, minter, holders } = await loadFixture(deployTokenFixture);
      const h = holders[0].address;
      await expect(minter.mint(h, ride("5")))
        .to.emit(token, "DelegateChanged")
        .withArgs(h, ZeroAddress, h)
        .and.to.emit(token, "DelegateVotesChanged")
        .withArgs(h, 0n, ride("5"));
      expect(await token.delegates(h)).to.equal(h);
      expect(await token.getVotes(h)).to.equal(ride("5"));
    });

    it("does not delegate again on the second mint", async function () {
      const { token, minter, holders } = await loadFixture(deployTokenFixture);
      const h = holders[0].address;
      await minter.mint(h, ride("5"));
      await expect(minter.mint(h, ride("3"))).not.to.emit(token, "DelegateChanged");
      expect(await token.getVotes(h)).to.equal(ride("8"));
    });

    it("keeps a delegate the recipient chose before its first mint", async function () {
      const { token, minter, holders } = await loadFixture(deployTokenFixture);
      const [h, x] = holders;
      await token.connect(h).delegate(x.address);
      await expect(minter.mint(h.address, ride("5"))).not.to.emit(token, "DelegateChanged");
      expect(await token.delegates(h.address)).to.equal(x.address);
      expect(await token.getVotes(x.address)).to.equal(ride("5"));
      expect(await token.getVotes(h.address)).to.equal(0n);
    });

    it("does not delegate for the recipient of a transfer", async function () {
      const { token, minter, holders } = await loadFixture(deployTokenFixture);
      const [h, recipient] = holders;
      await minter.mint(h.address, ride("5"));
      await expect(token.connect(h).transfer(recipient.address, ride("2"))).not.to.emit(token, "DelegateChanged");
      expect(await token.delegates(recipient.address)).to.equal(ZeroAddress);
      expect(await token.getVotes(recipient.address)).to.equal(0n);
      expect(await token.getVotes(h.address)).to.equal(ride("3"));
    });
  });

  describe("getPastVotes", function () {
    it("does not change at a past timestamp after later transfers", async function () {
      const { token, minter, holders } = await loadFixture(deployTokenFixture);
      const [h, other] = holders;
      await minter.mint(h.address, ride("10"));
      const snapshot = await time.latest();
      await mine();
      const before = await token.getPastVotes(h.address, snapshot);
      await token.connect(h).transfer(other.address, ride("7"));
      await token.connect(other).delegate(other.address);
      await minter.mint(h.address, ride("1"));
      await mine();
      expect(before).to.equal(ride("10"));
      expect(await token.getPastVotes(h.address, snapshot)).to.equal(before);
      expect(await token.getPastVotes(other.address, snapshot)).to.equal(0n);
      expect(await token.getVotes(h.address)).to.equal(ride("4"));
    });
  });

  describe("permit (ERC-2612)", function () {
    it("approves with a valid signature and uses the nonce", async function () {
      const { token, holders } = await loadFixture(deployTokenFixture);
      const [owner, spender] = holders;
      const deadline = BigInt(await time.latest()) + 3_600n;
      const p = await signPermit(token, owner, spender.address, ride("4"), deadline);
      await expect(token.connect(spender).permit(p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s))
        .to.emit(token, "Approval")
        .withArgs(owner.address, spender.address, ride("4"));
      expect(await token.allowance(owner.address, spender.address)).to.equal(ride("4"));
      expect(await token.nonces(owner.address)).to.equal(1n);
    });

    it("reverts with ERC2612ExpiredSignature past the deadline", async function () {
      const { token, holders } = await loadFixture(deployTokenFixture);
      const [owner, spender] = holders;
      const deadline = BigInt(await time.latest()) + 60n;
      const p = await signPermit(token, owner, spender.address, ride("4"), deadline);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(token.permit(p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("reverts with ERC2612InvalidSigner when someone else signed for the owner", async function () {
      const { token, holders } = await loadFixture(deployTokenFixture);
      const [owner, spender, forger] = holders;
      const deadline = BigInt(await time.latest()) + 3_600n;
      const p = await signPermit(token, forger, spender.address, ride("4"), deadline, owner.address);
      await expect(token.permit(p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(forger.address, owner.address);
    });

    it("reverts with ERC2612InvalidSigner when a used permit is replayed", async function () {
      const { token, holders } = await loadFixture(deployTokenFixture);
      const [owner, spender] = holders;
      const deadline = BigInt(await time.latest()) + 3_600n;
      const p = await signPermit(token, owner, spender.address, ride("4"), deadline);
      await token.permit(p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s);
      // The nonce moved on, so the same signature now recovers to an unrelated address.
      const recovered = await recoverPermitSigner(token, p, 1n);
      await expect(token.permit(p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(recovered, owner.address);
    });
  });
});
