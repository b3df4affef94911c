import { describe, expect, it } from 'vitest';
import { type LoadView, pickDeployment } from '../../src/routing/strategies.js';

const d = (name: string, state: Partial<LoadView>) => ({
  name,
  state: { load: 0, weight: 1, ttfbEwmaMs: undefined, ...state },
});

function tally(picks: { name: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of picks) counts[p.name] = (counts[p.name] ?? 0) + 1;
  return counts;
}

describe('pickDeployment', () => {
  it('round-robin cycles through the candidates in turn', () => {
    const all = [d('a', {}), d('b', {}), d('c', {})];
    const rotation = { next: 0 };
    const picks = Array.from({ length: 6 }, () => pickDeployment('round-robin', all, rotation).name);
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('least-busy picks the smallest load and rotates ties', () => {
    const rotation = { next: 0 };
    expect(pickDeployment('least-busy', [d('a', { load: 3 }), d('b', { load: 1 })], rotation).name).toBe('b');
    const tied = [d('a', { load: 2 }), d('b', { load: 2 }), d('c', { load: 5 })];
    const picks = Array.from({ length: 4 }, () => pickDeployment('least-busy', tied, rotation).name);
    expect(new Set(picks)).toEqual(new Set(['a', 'b']));
  });

  it('latency explores deployments without a sample, then prefers the lowest EWMA', () => {
    const rotation = { next: 0 };
    const fast = d('fast', { ttfbEwmaMs: 40 });
    const slow = d('slow', { ttfbEwmaMs: 400 });
    expect(pickDeployment('latency', [fast, slow, d('new', {})], rotation).name).toBe('new');
    const picks = Array.from({ length: 10 }, () => pickDeployment('latency', [slow, fast], rotation).name);
    expect(picks.every((p) => p === 'fast')).toBe(true);
  });

  it('weighted splits traffic in proportion to weight', () => {
    const rotation = { next: 0 };
    const all = [d('heavy', { weight: 3 }), d('light', { weight: 1 })];
    const counts = tally(Array.from({ length: 4000 }, () => pickDeployment('weighted', all, rotation)));
    // Expected 3000 / 1000; six standard deviations (≈ 27 each) of slack keeps this deterministic in practice.
    expect(counts.heavy).toBeGreaterThan(2830);
    expect(counts.light).toBeGreaterThan(830);
  });

  it('returns the only candidate', () => {
    expect(pickDeployment('weighted', [d('only', {})], { next: 0 }).name).toBe('only');
  });
});
