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
