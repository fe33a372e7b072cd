import { expect } from "chai";
import path from "node:path";
import { DEFAULTS, helpText, parseAdversaryArgs, parseArgs, parseOut, reportDir } from "../../scripts/simulate";

/** `npm run simulate`'s flags: what --help lists, and where each run writes its report. */
function dirOf(argv: string[]): string {
  const { adversaries, rest } = parseAdversaryArgs(argv);
  return reportDir(parseArgs(rest), adversaries);
}

describe("Simulation: flags and report folders", function () {
  it("lists every flag it accepts in --help, each with its default", function () {
    const help = helpText();
    for (const flag of ["--seed", "--rides", "--forget-rate", "--sybil", "--sandwich", "--flash-fee-bps", "--out"]) {
      expect(help, flag).to.include(flag);
    }
    expect(help).to.match(/--rides N +ride requests over the run, 1 to 100,000 \(400\)/);
    expect(help).to.match(/--forget-rate P +the chance that the rider forgets to confirm .*\(0\.1\)/);
  });

  it("writes the default run to reports/simulation-7, as the README says", function () {
    expect(dirOf([])).to.equal(path.join("reports", "simulation-7"));
  });

  it("names a run's folder by every flag that differs from its default", function () {
    expect(dirOf(["--rides", "1000", "--drivers", "60", "--forget-rate", "0.2", "--sybil", "off"])).to.equal(
      path.join("reports", "simulation-7-drivers-60-rides-1000-forget-rate-0.2-sybil-off"),
    );
  });

  it("keeps a flag set to its default out of the folder's name", function () {
    expect(dirOf(["--seed", "7", "--rides", String(DEFAULTS.rides), "--flash-fee-bps", "30"])).to.equal(
      path.join("reports", "simulation-7"),
    );
  });

  it("takes --out out of the flags", function () {
    expect(parseOut(["--rides", "9", "--out", "reports/big", "--seed", "1"])).to.deep.equal({
      out: "reports/big",
      rest: ["--rides", "9", "--seed", "1"],
    });
  });

  it("refuses --out without a folder", function () {
    expect(() => parseOut(["--out", "--rides"])).to.throw("--out takes a folder, like --out reports/big-run");
  });

  it("points an unknown flag to --help", function () {
    expect(() => parseArgs(["--ridez", "9"])).to.throw(
      'unknown flag "--ridez": npm run simulate -- --help lists every flag with its default',
    );
  });
});
