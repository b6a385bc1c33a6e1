/**
 * Sequential (concurrency 1) latency sampling for the benches: run one request at a time, keep
 * every sample, and summarise the distribution exactly (no histogram buckets, sub-millisecond
 * resolution), which autocannon's 1 ms resolution cannot give.
 */

/** A latency distribution in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

/** The nearest-rank percentile of ascending `sorted` samples; `fraction` is 0.5 for p50. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** p50, p99, mean and max of the samples. */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((left, right) => left - right);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: sorted.length > 0 ? total / sorted.length : Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

/** Runs `sample` `count` times, one after the other, and keeps what each one measured (in ms). */
export async function sampleSequentially(count: number, sample: (index: number) => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) samples.push(await sample(index));
  return samples;
}

/** Rounds to microseconds, for the JSON summary. */
export function roundMs(value: number): number {
  return Number(value.toFixed(3));
}
