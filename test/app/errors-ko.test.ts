import { expect } from "chai";
import { RAW_CONTEXT, RelayError } from "../../src/client";
import { koreanError, type KoContext } from "../../app/src/errors-ko";

/** The app's Korean error sentences: the common ones translated, every other one left to English. */
describe("web app: Korean error sentences", function () {
  const c: KoContext = {
    ...RAW_CONTEXT,
    fare: (a) => `${(Number(a) / 1e6).toFixed(2)} tUSD`,
    token: (a) => `${(Number(a) / 1e6).toFixed(2)} tUSD`,
    rideState: (name) => (name === "Requested" ? "운전자를 찾는 중" : name === "Accepted" ? "운전자가 오는 중" : name),
  };
  const who = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

  it("translates a common error with its amounts", function () {
    expect(koreanError("ERC20InsufficientBalance", [who, 1_000_000_000n, 100_000_000_000n], c)).to.deep.equal({
      sentence: `${who} 계정의 잔액은 1000.00 tUSD인데 100000.00 tUSD이(가) 필요합니다`,
      hint: "먼저 토큰을 더 받으세요 (로컬 체인에서는 테스트 tUSD 받기 버튼)",
    });
    expect(koreanError("RideWrongState", [7n, 1n, 2n], c)?.sentence).to.equal(
      "운행 #7은(는) '운전자를 찾는 중' 상태이며, '운전자가 오는 중' 상태여야 합니다",
    );
  });

  it("keeps English (undefined) for an error it does not know, or without its arguments", function () {
    expect(koreanError("ParameterChangeTooSoon", ["0x", 1n], c)).to.equal(undefined);
    // A relayer's Reverted answer names the target's error but carries no arguments.
    const relayed = new RelayError({ code: "Reverted", errorName: "RideWrongState", sentence: "s", hint: "h" });
    expect(koreanError(relayed.errorName, relayed.args, c)).to.equal(undefined);
    // An amount in raw units (the token unknown) is not worth a translation.
    expect(koreanError("ERC20InsufficientBalance", [who, 1n, 2n], { ...c, token: undefined })).to.equal(undefined);
  });
});
