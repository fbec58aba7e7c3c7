// Order statistics and paired ratios for the benchmark. Medians everywhere:
// the machine is shared and noisy, and a median ignores the odd stall.

/** The `p`-th percentile (0-100) of `values`, nearest-rank on a sorted copy. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) throw new RangeError("percentile of no values");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0-100`);
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

/** The median; the mean of the two middle values for an even count. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The median of the per-round ratios `values[i] / baseline[i]`. Pairing each
 * round with the baseline measured next to it cancels the machine's drift
 * between rounds, which a ratio of two overall medians would not.
 */
export function pairedRatio(values: readonly number[], baseline: readonly number[]): number {
  if (values.length !== baseline.length || values.length === 0) {
    throw new RangeError(`paired ratio needs rounds on both sides (${values.length} vs ${baseline.length})`);
  }
  return median(values.map((value, round) => value / baseline[round]!));
}

/**
 * The order in which `count` contenders run in round `round`: rotated by one
 * each round, so no contender always runs first (cold caches) or right after
 * the same neighbour.
 */
export function roundOrder(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, index) => (index + round) % count);
}
