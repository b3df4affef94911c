import { describe, expect, it } from 'vitest';
import { distribution, median, medianOfRuns, percentile } from '../src/stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it('returns the smallest sample with p% at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('does not reorder its input', () => {
    const input = [3, 1, 2];
    percentile(input, 50);
    expect(input).toEqual([3, 1, 2]);
  });

  it('is NaN for no samples and rejects p outside [0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('median and medianOfRuns', () => {
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7, 1, 3])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('takes the median of each field across runs', () => {
    const runs = [
      { rps: 100, p99: 9 },
      { rps: 300, p99: 1 },
      { rps: 200, p99: 5 },
    ];
    expect(medianOfRuns(runs)).toEqual({ rps: 200, p99: 5 });
    expect(medianOfRuns([])).toEqual({});
  });
});

describe('distribution', () => {
  it('reports count, percentiles and max', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(distribution(samples)).toEqual({ count: 1000, p50: 500, p90: 900, p99: 990, max: 1000 });
  });

  it('handles more samples than a spread call could take', () => {
    const big = new Array(300_000).fill(1);
    big[12345] = 7;
    expect(distribution(big).max).toBe(7);
  });
});
