/**
 * Order statistics used by every figure of the harness. Pure functions over plain number arrays; units are
 * whatever the caller's samples are in (the harness uses milliseconds throughout).
 */

/**
 * The p-th percentile by the nearest-rank method (the smallest sample with at least p% of samples at or below
 * it), as reported by wrk and HdrHistogram.
 * @param samples values in any order; not modified
 * @param p percentile in [0, 100]
 * @returns the percentile, or NaN for an empty sample
 * @throws RangeError when p is outside [0, 100]
 */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * The median (mean of the two middle values for an even count), used to combine repeated runs.
 * @returns NaN for an empty sample
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Summary of one sample: count and the percentiles the report shows. */
export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Count, p50, p90, p99 and max of a sample (NaN percentiles when empty). */
export function distribution(samples: readonly number[]): Distribution {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    max: samples.length ? samples.reduce((m, v) => Math.max(m, v)) : Number.NaN,
  };
}

/**
 * Combines one figure measured in several interleaved runs: the median of each field across runs.
 * @param runs per-run records with the same numeric fields
 * @returns a record with each field's median; empty input gives an empty record
 */
export function medianOfRuns<T extends Record<string, number>>(runs: readonly T[]): T {
  const out: Record<string, number> = {};
  const first = runs[0];
  if (!first) return out as T;
  for (const key of Object.keys(first)) out[key] = median(runs.map((r) => r[key]!));
  return out as T;
}
