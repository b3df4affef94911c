import { describe, expect, it } from 'vitest';
import { type Round, summarize } from '../src/summarize.js';
import { parseWrkOutput, type WrkResult } from '../src/wrk.js';

const wrk = (p50: number, p99: number, rps = 1000, headerSamples: number[] = []): WrkResult => ({
  requests: rps,
  requestsPerSecond: rps,
  errors: 0,
  latencyMs: { p50, p90: p99, p99, max: p99, mean: p50 },
  headerSamples,
});

describe('parseWrkOutput', () => {
  it('converts the WRK_RESULT line of bench/wrk/chat.lua to ms and req/s', () => {
    const out =
      'Running 1s test\nWRK_RESULT {"requests":5000,"durationUs":2000000,"bytes":1,' +
      '"errors":{"connect":0,"read":1,"write":0,"status":2,"timeout":0},' +
      '"latencyUs":{"p50":120,"p90":200,"p99":950,"max":4000,"mean":130.5},"overheadMs":[0.05,0.07]}\n';
    expect(parseWrkOutput(out)).toEqual({
      requests: 5000,
      requestsPerSecond: 2500,
      errors: 3,
      latencyMs: { p50: 0.12, p90: 0.2, p99: 0.95, max: 4, mean: 0.1305 },
      headerSamples: [0.05, 0.07],
    });
  });

  it('fails loudly when wrk printed no result', () => {
    expect(() => parseWrkOutput('unable to connect')).toThrow(/no result line/);
  });
});

describe('summarize', () => {
  const stream = (ttftMs: number, gapsMs: number[]) => ({ ttftMs, gapsMs, chunks: gapsMs.length + 1 });

  it('subtracts direct within each round, then takes the median over rounds', () => {
    const rounds: Round[] = [
      {
        c1: { direct: wrk(0.1, 0.5), switchyard: wrk(0.3, 1.0, 900, [0.1]) },
        c32: {},
        c256: {},
        streams: {},
      },
      {
        c1: { direct: wrk(0.5, 2.0), switchyard: wrk(0.6, 2.4, 900, [0.2]) },
        c32: {},
        c256: {},
        streams: {},
      },
      {
        c1: { direct: wrk(0.2, 0.6), switchyard: wrk(0.35, 1.2, 900, [0.3]) },
        c32: {},
        c256: {},
        streams: {},
      },
    ];
    const f = summarize(rounds, 10, {});
    expect(f.addedLatencyC1.switchyard?.p50Ms).toBeCloseTo(0.15);
    expect(f.addedLatencyC1.switchyard?.p99Ms).toBeCloseTo(0.5);
    expect(f.addedLatencyC1.direct).toBeUndefined();
    expect(f.latencyC1.switchyard?.p50Ms).toBeCloseTo(0.35);
    expect(f.switchyardOverhead).toEqual({ count: 3, p50Ms: 0.2, p99Ms: 0.3 });
  });

  it('takes the median CPU per request of a proxy and reports none for direct', () => {
    const round = (cpu: number): Round => ({
      c1: {},
      c32: { direct: wrk(1, 2), nginx: { ...wrk(1, 2), cpuUsPerRequest: cpu } },
      c256: {},
      streams: {},
    });
    const f = summarize([round(30), round(90), round(25)], 10, {});
    expect(f.throughputC32.nginx?.cpuUsPerRequest).toBe(30);
    expect(f.throughputC32.direct).not.toHaveProperty('cpuUsPerRequest');
  });

  it('measures added TTFT and counts coalesced chunks against the mock interval', () => {
    const rounds: Round[] = [
      {
        c1: {},
        c32: {},
        c256: {},
        streams: {
          direct: [stream(1, [10, 10, 10, 10])],
          portkey: [stream(21, [0.1, 0.1, 19.9, 10])],
        },
      },
    ];
    const f = summarize(rounds, 10, {});
    expect(f.streaming.direct).toMatchObject({ addedTtftP50Ms: 0, coalescedShare: 0 });
    expect(f.streaming.portkey?.addedTtftP50Ms).toBe(20);
    expect(f.streaming.portkey?.coalescedShare).toBe(0.5);
    expect(f.streaming.portkey?.gapP1Ms).toBe(0.1);
    expect(f.switchyardOverhead).toBeUndefined();
  });
});
