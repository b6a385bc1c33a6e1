/** Descriptive statistics of a list of numbers; spreads that need two values are null for one. */
export interface NumberSummary {
  count: number;
  sum: number;
  mean: number;
  median: number;
  /** Every value that occurs most often; empty when no value repeats. */
  modes: number[];
  min: number;
  max: number;
  range: number;
  sampleVariance: number | null;
  sampleStandardDeviation: number | null;
  populationVariance: number;
  populationStandardDeviation: number;
  /** Percentile (0-100) -> value, by linear interpolation between closest ranks. */
  percentiles: Record<string, number>;
}

/** Neumaier's compensated sum: much less rounding error than a plain loop over many values. */
export function accurateSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}

/**
 * The value at percentile `percent` of sorted values, with the "linear" method (numpy's default,
 * Excel's PERCENTILE.INC): rank = p/100 * (n - 1), interpolated between its neighbours.
 */
export function percentileOfSorted(sorted: readonly number[], percent: number): number {
  const rank = (percent / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (rank - lower);
}

function modesOf(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let highest = 0;
  for (const count of counts.values()) highest = Math.max(highest, count);
  if (highest === 1) return [];
  return [...counts].filter(([, count]) => count === highest).map(([value]) => value).sort((left, right) => left - right);
}

/**
 * Summarises numbers. Steps: sort a copy; sum with compensation; mean; squared deviations from the
 * mean (two passes, which is more stable than sum-of-squares); variances over n and n - 1.
 * `values` must be non-empty and finite; percentiles must lie in 0..100.
 */
export function summarizeNumbers(values: readonly number[], percentiles: readonly number[]): NumberSummary {
  const count = values.length;
  const sorted = [...values].sort((left, right) => left - right);
  const sum = accurateSum(values);
  const mean = sum / count;
  const squaredDeviations = accurateSum(values.map((value) => (value - mean) ** 2));
  const populationVariance = squaredDeviations / count;
  const sampleVariance = count > 1 ? squaredDeviations / (count - 1) : null;
  return {
    count,
    sum,
    mean,
    median: percentileOfSorted(sorted, 50),
    modes: modesOf(values),
    min: sorted[0]!,
    max: sorted[count - 1]!,
    range: sorted[count - 1]! - sorted[0]!,
    sampleVariance,
    sampleStandardDeviation: sampleVariance === null ? null : Math.sqrt(sampleVariance),
    populationVariance,
    populationStandardDeviation: Math.sqrt(populationVariance),
    percentiles: Object.fromEntries(percentiles.map((percent) => [`p${percent}`, percentileOfSorted(sorted, percent)])),
  };
}
