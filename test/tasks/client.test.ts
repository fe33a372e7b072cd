import { expect } from "chai";
import { RideMarket__factory } from "../../typechain-types";
import { decodeRevert, unexplainedErrors } from "../../src/client/errors";
import { formatAmount, parseAmount, parseBps, parseDuration } from "../../src/client/format";
import { parsePlace } from "../../src/client/location";

const tUSD = { symbol: "tUSD", decimals: 6 };

describe("client: amounts", function () {
  for (const [text, units] of [
    ["12.50", 12_500_000n],
    ["12.50 tUSD", 12_500_000n],
    ["1,000", 1_000_000_000n],
    [".5", 500_000n],
    ["0.000001", 1n],
  ] as const) {
    it(`parses "${text}" as ${units} units`, function () {
      expect(parseAmount(text, tUSD)).to.equal(units);
    });
  }

  for (const [units, text] of [
    [12_500_000n, "12.50 tUSD"],
    [1n, "0.000001 tUSD"],
    [1_234_567_000_000n, "1,234,567.00 tUSD"],
  ] as const) {
    it(`formats ${units} units as "${text}"`, function () {
      expect(formatAmount(units, tUSD)).to.equal(text);
    });
  }

  it("refuses more decimals than the token has, naming the flag", function () {
    expect(() => parseAmount("1.0000001", tUSD, "max-fare")).to.throw(
      '--max-fare: "1.0000001" has 7 decimals; tUSD has only 6',
    );
  });

  it("refuses another token's symbol", function () {
    expect(() => parseAmount("5 USDC", tUSD, "fare")).to.throw(
      '--fare: "5 USDC" is in USDC, but this amount is in tUSD',
    );
  });

  it("parses durations and percentages", function () {
    expect([parseDuration("15m"), parseDuration("2h"), parseDuration("90")]).to.deep.equal([900, 7200, 90]);
    expect([parseBps("3%"), parseBps("2.5%"), parseBps("250bps")]).to.deep.equal([300n, 250n, 250n]);
  });

  it("reads lat,lon into a precision-6 cell and keeps the exact point", function () {
    expect(parsePlace("37.4979,127.0276", "from")).to.deep.equal({
      cell: "wydm6d",
      point: { lat: 37.4979, lon: 127.0276 },
    });
  });
});

describe("client: errors", function () {
  it("has a sentence for every custom error of every registered contract", function () {
    expect(unexplainedErrors()).to.deep.equal([]);
  });

  it("decodes RideWrongState with the state names", function () {
    const data = RideMarket__factory.createInterface().encodeErrorResult("RideWrongState", [7n, 6, 1]);
    expect(decodeRevert(data)?.message).to.equal(
      "RideWrongState: ride 7 is Cancelled, expected Requested. Hint: run ride:show --ride 7 to see what can be done next.",
    );
  });

  it("leaves unknown revert data undecoded", function () {
    expect(decodeRevert("0xdeadbeef")).to.equal(undefined);
  });
});
