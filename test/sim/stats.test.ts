import { expect } from "chai";
import { poissonBinomial, tails, wilsonInterval } from "../../src/sim/stats";

// The draw-steering adversary's statistic in the simulation report (src/sim/disputes.ts).
describe("simulation statistics", () => {
  it("the Poisson binomial of equal probabilities is the binomial", () => {
    const dist = poissonBinomial(new Array<number>(10).fill(0.5));
    const binomial = [1, 10, 45, 120, 210, 252, 210, 120, 45, 10, 1].map((c) => c / 1024);
    dist.forEach((p, k) => expect(p).to.be.closeTo(binomial[k], 1e-12));
  });

  it("mixes unequal probabilities exactly", () => {
    // Two trials of 0.2 and 0.5: none 0.4, one 0.5, both 0.1.
    const dist = poissonBinomial([0.2, 0.5]);
    expect(dist[0]).to.be.closeTo(0.4, 1e-12);
    expect(dist[1]).to.be.closeTo(0.5, 1e-12);
    expect(dist[2]).to.be.closeTo(0.1, 1e-12);
    expect(() => poissonBinomial([1.5])).to.throw("within 0..1");
  });

  it("gives both tails, each counting k itself", () => {
    const t = tails(new Array<number>(10).fill(0.5), 8);
    expect(t.atLeast).to.be.closeTo(56 / 1024, 1e-12); // 45 + 10 + 1
    expect(t.atMost).to.be.closeTo(1 - 11 / 1024, 1e-12);
    // A trial of probability 0 can never succeed: one success is impossible.
    expect(tails([0, 0], 1).atLeast).to.equal(0);
  });

  it("Wilson's interval matches the textbook values", () => {
    const [lo, hi] = wilsonInterval(5, 10);
    expect(lo).to.be.closeTo(0.2366, 1e-4);
    expect(hi).to.be.closeTo(0.7634, 1e-4);
    const [lo0, hi0] = wilsonInterval(0, 20);
    expect(lo0).to.equal(0);
    expect(hi0).to.be.closeTo(0.1611, 1e-4);
    expect(wilsonInterval(0, 0)).to.deep.equal([0, 1]);
  });
});
