import { describe, expect, it } from 'vitest';
import { fmt, ratios, renderMarkdown, TARGETS, verdicts } from '../src/report.js';
import type { Figures, LoadFigure } from '../src/summarize.js';

const load = (rps: number, p50Ms = 1, p99Ms = 2, cpuUsPerRequest?: number): LoadFigure => ({
  rps,
  p50Ms,
  p99Ms,
  errors: 0,
  ...(cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest }),
});

/** Figures where Switchyard meets every target. */
function passing(): Figures {
  return {
    rounds: 3,
    latencyC1: {
      direct: load(20000, 0.05, 0.1),
      nginx: load(9000, 0.1, 0.3),
      switchyard: load(7000, 0.2, 0.8),
    },
    addedLatencyC1: { nginx: { p50Ms: 0.05, p99Ms: 0.2 }, switchyard: { p50Ms: 0.15, p99Ms: 0.7 } },
    throughputC32: {
      direct: load(30000),
      nginx: load(20000, 1, 2, 25),
      switchyard: load(12000, 1, 2, 50),
      portkey: load(800, 1, 2, 900),
    },
    throughputC256: { direct: load(28000), nginx: load(19000), switchyard: load(11000), portkey: load(700) },
    streaming: {
      direct: { ttftP50Ms: 0.7, addedTtftP50Ms: 0, gapP50Ms: 10, gapP1Ms: 9, coalescedShare: 0 },
      switchyard: { ttftP50Ms: 0.9, addedTtftP50Ms: 0.2, gapP50Ms: 10, gapP1Ms: 9, coalescedShare: 0 },
    },
    memory: { switchyard: { idleMB: 60, streamsMB: 120, streams: 1000 } },
    switchyardOverhead: { count: 5000, p50Ms: 0.08, p99Ms: 0.3 },
  };
}

describe('verdicts', () => {
  it('passes every target when Switchyard meets them', () => {
    const list = verdicts(passing());
    expect(list.map((v) => [v.name, v.pass]).filter(([, pass]) => !pass)).toEqual([]);
    expect(list.find((v) => v.name.includes('/ nginx'))?.value).toBeCloseTo(0.6);
    expect(list.find((v) => v.name.includes('/ Portkey'))?.value).toBeCloseTo(15);
  });

  it('misses each target it does not meet, at the boundary too', () => {
    const f = passing();
    f.addedLatencyC1.switchyard = { p50Ms: TARGETS.addedP50Ms + 0.001, p99Ms: TARGETS.addedP99Ms };
    f.throughputC32.switchyard = load(7000); // 0.35 of nginx, 8.75 × Portkey
    f.streaming.switchyard!.coalescedShare = 0.2;
    f.memory.switchyard!.streamsMB = 201;
    const missed = verdicts(f)
      .filter((v) => !v.pass)
      .map((v) => v.name);
    expect(missed).toEqual([
      'added latency p50 at concurrency 1 (ms)',
      'throughput at 32 connections / nginx',
      'throughput at 32 connections / Portkey',
      'share of chunks coalesced',
      'RSS with 1000 concurrent streams (MB)',
    ]);
  });

  it('counts a figure that was not measured as a miss', () => {
    const f = passing();
    delete f.throughputC32.portkey;
    delete f.streaming.switchyard;
    const byName = new Map(verdicts(f).map((v) => [v.name, v]));
    expect(byName.get('throughput at 32 connections / Portkey')?.pass).toBe(false);
    expect(byName.get('added time to first token (ms)')?.value).toBeNaN();
    expect(byName.get('added time to first token (ms)')?.pass).toBe(false);
  });
});

describe('ratios', () => {
  it('divides Switchyard by nginx and Portkey by Switchyard', () => {
    const r = ratios(passing());
    expect(r.switchyardOverNginx.rpsC32).toBeCloseTo(0.6);
    expect(r.switchyardOverNginx.addedP50).toBeCloseTo(3);
    expect(r.portkeyOverSwitchyard.rpsC256).toBeCloseTo(700 / 11000);
    expect(r.portkeyOverSwitchyard.addedP50).toBeNaN();
    expect(r.switchyardOverNginx.cpuC32).toBe(2);
    expect(r.portkeyOverSwitchyard.cpuC32).toBe(18);
  });
});

describe('renderMarkdown', () => {
  const info = { mode: 'full' as const, date: '2026-01-01', machine: { cores: 2 }, settings: { rounds: 3 } };

  it('renders one row per target and the PASS/MISS list', () => {
    const md = renderMarkdown(info, ['direct', 'nginx', 'switchyard', 'portkey'], passing());
    expect(md).toContain('| cores | 2 |');
    expect(md).toContain('| switchyard | 12000 | 1.00 | 2.00 | 0 | 50.0 |');
    expect(md).toContain('| direct | 30000 | 1.00 | 2.00 | 0 | – |');
    expect(md).toContain('| switchyard | 0.900 | 0.200 | 10.0 | 9.00 | 0.000% |');
    expect(md).toContain('| switchyard | 60.0 | 120 | 1000 |');
    expect(md).toContain('| 5000 | 0.080 | 0.300 |');
    expect(md).toContain('| Switchyard / nginx | 0.600 | 0.579 | 3.00 | 3.50 | 2.00 |');
    expect(md).toContain('| PASS | added latency p50 at concurrency 1 (ms) | 0.150 | ≤ 0.25 ms |');
    expect(md).not.toContain('MISS');
  });

  it('says what was not run or not reported', () => {
    const f = passing();
    f.throughputC256 = {};
    delete f.switchyardOverhead;
    const md = renderMarkdown({ ...info, mode: 'smoke' }, ['direct', 'switchyard'], f);
    expect(md).toContain('not run (smoke mode)');
    expect(md).toContain('not reported');
    expect(md).toMatch(/^# Benchmark smoke run/);
  });
});

describe('fmt', () => {
  it('keeps three significant decimals for small values and none for large', () => {
    expect(fmt(0.04567)).toBe('0.046');
    expect(fmt(3.14259)).toBe('3.14');
    expect(fmt(42.42)).toBe('42.4');
    expect(fmt(12345.6)).toBe('12346');
    expect(fmt(Number.NaN)).toBe('–');
    expect(fmt(undefined)).toBe('–');
  });
});
