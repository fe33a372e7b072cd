/** Gini coefficient of non-negative amounts (0 = equal, 1 = one holder has all). */
export function gini(values: readonly bigint[]): number {
  const xs = values.map((v) => Number(v)).sort((a, b) => a - b);
  const n = xs.length;
  const total = xs.reduce((s, x) => s + x, 0);
  if (n === 0 || total === 0) return 0;
  let weighted = 0;
  xs.forEach((x, i) => (weighted += (i + 1) * x));
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** Running count, sum, min and max of gas for one operation: constant memory per operation. */
export class GasTally {
  private readonly ops = new Map<string, { count: number; total: bigint; min: bigint; max: bigint }>();

  add(op: string, gas: bigint): void {
    const t = this.ops.get(op);
    if (t === undefined) this.ops.set(op, { count: 1, total: gas, min: gas, max: gas });
    else {
      t.count++;
      t.total += gas;
      if (gas < t.min) t.min = gas;
      if (gas > t.max) t.max = gas;
    }
  }

  rows(): { op: string; count: number; mean: number; min: number; max: number }[] {
    return [...this.ops.entries()]
      .map(([op, t]) => ({
        op,
        count: t.count,
        mean: Math.round(Number(t.total) / t.count),
        min: Number(t.min),
        max: Number(t.max),
      }))
      .sort((a, b) => a.op.localeCompare(b.op));
  }

  mean(op: string): number {
    const t = this.ops.get(op);
    return t === undefined ? 0 : Math.round(Number(t.total) / t.count);
  }
}

/**
 * The distribution of the number of successes in independent trials of probabilities `ps`
 * (Poisson binomial): entry k is P(X = k). Exact by dynamic programming, O(n^2).
 */
export function poissonBinomial(ps: readonly number[]): number[] {
  let dist = [1];
  for (const p of ps) {
    if (!(p >= 0 && p <= 1)) throw new Error(`a probability must be within 0..1, not ${p}`);
    const next = new Array<number>(dist.length + 1).fill(0);
    for (let k = 0; k < dist.length; k++) {
      next[k] += dist[k] * (1 - p);
      next[k + 1] += dist[k] * p;
    }
    dist = next;
  }
  return dist;
}

/** P(X >= k) and P(X <= k) for X the number of successes in trials of probabilities `ps`. */
export function tails(ps: readonly number[], k: number): { atLeast: number; atMost: number } {
  const dist = poissonBinomial(ps);
  let atLeast = 0;
  let atMost = 0;
  dist.forEach((p, i) => {
    if (i >= k) atLeast += p;
    if (i <= k) atMost += p;
  });
  return { atLeast: Math.min(1, atLeast), atMost: Math.min(1, atMost) };
}

/** The Wilson score interval for `k` successes in `n` trials (95% for z = 1.96). */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
