import { expect } from "chai";
import { loadFixture } from "../helpers/fixture";
import { deployMarketFixture, RideState, startedRide, usd } from "../fixtures/market";

describe("RideMarket: the happy path", function () {
  it("pays the driver the fare less the 5% fee when the rider confirms", async function () {
    const { market, riders, drivers } = await loadFixture(deployMarketFixture);
    const id = await startedRide(market, riders[0], drivers[0]);
    await expect(market.connect(riders[0]).confirmRide(id, 5))
      .to.emit(market, "RideFinalized")
      .withArgs(id, drivers[0].address, usd("19"), usd("0.5"), usd("0.5"), 20n * 10n ** 18n);
    expect((await market.getRide(id)).state).to.equal(RideState.Finalized);
    expect(await market.creditOf(drivers[0].address)).to.equal(usd("19"));
  });
});
