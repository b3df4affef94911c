/**
 * Turns the raw measurements of interleaved rounds into the figures the report shows. Every figure is
 * computed per round first (added latency = target − direct in the same round), then the median over rounds
 * is taken, so a slow moment on the shared machine moves one round, not the result.
 */
import { distribution, median, percentile } from './stats.js';
import type { StreamTiming } from './stream-client.js';
import type { TargetName } from './targets.js';
import type { WrkResult } from './wrk.js';

/**
 * One load run: wrk's result, plus the proxy's CPU time per request in µs (process tree, user + system) when
 * the target is a proxy. CPU per request is the figure that stays meaningful when other jobs share the
 * machine: throughput then moves with the scheduler, CPU per request much less.
 */
export type LoadResult = WrkResult & { cpuUsPerRequest?: number };

/** Measurements of one round: every target once per scenario. */
export interface Round {
  /** One connection, sequential requests. */
  c1: Partial<Record<TargetName, LoadResult>>;
  c32: Partial<Record<TargetName, LoadResult>>;
  c256: Partial<Record<TargetName, LoadResult>>;
  /** Sequential streams. */
  streams: Partial<Record<TargetName, StreamTiming[]>>;
}

/** A load figure: throughput in requests/s, latencies in ms, failed requests, proxy CPU µs per request. */
export interface LoadFigure {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Absent for `direct` (no proxy process). */
  cpuUsPerRequest?: number;
}

/** Streaming figure of one target, in ms except `coalescedShare` (0..1). */
export interface StreamFigure {
  ttftP50Ms: number;
  /** TTFT p50 minus direct's in the same round; 0 for direct itself. */
  addedTtftP50Ms: number;
  gapP50Ms: number;
  /** 1st percentile of inter-chunk gaps: near 0 when a proxy coalesces chunks. */
  gapP1Ms: number;
  /** Share of gaps shorter than half the mock's interval (chunks that arrived bunched together). */
  coalescedShare: number;
}

/** Memory of one target, in MB (10^6 bytes), with the number of concurrent streams held when sampled. */
export interface MemoryFigure {
  idleMB: number;
  streamsMB: number;
  streams: number;
}

/** Everything the report shows, medians over rounds. Records are keyed by the targets that ran. */
export interface Figures {
  rounds: number;
  latencyC1: Partial<Record<TargetName, LoadFigure>>;
  /** Proxies only: p50 and p99 at concurrency 1 minus direct's. */
  addedLatencyC1: Partial<Record<TargetName, { p50Ms: number; p99Ms: number }>>;
  throughputC32: Partial<Record<TargetName, LoadFigure>>;
  throughputC256: Partial<Record<TargetName, LoadFigure>>;
  streaming: Partial<Record<TargetName, StreamFigure>>;
  memory: Partial<Record<TargetName, MemoryFigure>>;
  /** Switchyard's own `x-switchyard-overhead-ms` over all concurrency-1 responses (ms). */
  switchyardOverhead?: { count: number; p50Ms: number; p99Ms: number };
}

function loadFigures(
  runs: Partial<Record<TargetName, LoadResult>>[],
): Partial<Record<TargetName, LoadFigure>> {
  const out: Partial<Record<TargetName, LoadFigure>> = {};
  const names = new Set(runs.flatMap((r) => Object.keys(r) as TargetName[]));
  for (const name of names) {
    const results = runs.map((r) => r[name]).filter((r): r is LoadResult => r !== undefined);
    const cpu = results.flatMap((r) => (r.cpuUsPerRequest === undefined ? [] : [r.cpuUsPerRequest]));
    out[name] = {
      rps: median(results.map((r) => r.requestsPerSecond)),
      p50Ms: median(results.map((r) => r.latencyMs.p50)),
      p99Ms: median(results.map((r) => r.latencyMs.p99)),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      ...(cpu.length ? { cpuUsPerRequest: median(cpu) } : {}),
    };
  }
  return out;
}

function addedLatency(rounds: readonly Round[]): Figures['addedLatencyC1'] {
  const out: Figures['addedLatencyC1'] = {};
  const names = new Set(rounds.flatMap((r) => Object.keys(r.c1) as TargetName[]));
  names.delete('direct');
  for (const name of names) {
    const pairs = rounds
      .map((r) => ({ proxy: r.c1[name], direct: r.c1.direct }))
      .filter((p): p is { proxy: LoadResult; direct: LoadResult } => !!p.proxy && !!p.direct);
    out[name] = {
      p50Ms: median(pairs.map((p) => p.proxy.latencyMs.p50 - p.direct.latencyMs.p50)),
      p99Ms: median(pairs.map((p) => p.proxy.latencyMs.p99 - p.direct.latencyMs.p99)),
    };
  }
  return out;
}

function streamFigures(rounds: readonly Round[], intervalMs: number): Figures['streaming'] {
  const out: Figures['streaming'] = {};
  const names = new Set(rounds.flatMap((r) => Object.keys(r.streams) as TargetName[]));
  for (const name of names) {
    const perRound = rounds.flatMap((r) => {
      const timings = r.streams[name];
      if (!timings) return [];
      const gaps = timings.flatMap((t) => t.gapsMs);
      const ttft = percentile(
        timings.map((t) => t.ttftMs),
        50,
      );
      const directTtft = r.streams.direct
        ? percentile(
            r.streams.direct.map((t) => t.ttftMs),
            50,
          )
        : Number.NaN;
      return [
        {
          ttftP50Ms: ttft,
          addedTtftP50Ms: name === 'direct' ? 0 : ttft - directTtft,
          gapP50Ms: percentile(gaps, 50),
          gapP1Ms: percentile(gaps, 1),
          coalescedShare: gaps.length
            ? gaps.filter((g) => g < intervalMs / 2).length / gaps.length
            : Number.NaN,
        },
      ];
    });
    out[name] = {
      ttftP50Ms: median(perRound.map((f) => f.ttftP50Ms)),
      addedTtftP50Ms: median(perRound.map((f) => f.addedTtftP50Ms)),
      gapP50Ms: median(perRound.map((f) => f.gapP50Ms)),
      gapP1Ms: median(perRound.map((f) => f.gapP1Ms)),
      coalescedShare: median(perRound.map((f) => f.coalescedShare)),
    };
  }
  return out;
}

/**
 * Combines rounds into {@link Figures}.
 * @param rounds interleaved rounds, each with every target once per scenario
 * @param intervalMs the mock's interval between chunks during the streaming scenario
 * @param memory RSS samples per target (measured once, outside the rounds)
 */
export function summarize(rounds: readonly Round[], intervalMs: number, memory: Figures['memory']): Figures {
  const overhead = rounds.flatMap((r) => r.c1.switchyard?.headerSamples ?? []);
  const dist = distribution(overhead);
  return {
    rounds: rounds.length,
    latencyC1: loadFigures(rounds.map((r) => r.c1)),
    addedLatencyC1: addedLatency(rounds),
    throughputC32: loadFigures(rounds.map((r) => r.c32)),
    throughputC256: loadFigures(rounds.map((r) => r.c256)),
    streaming: streamFigures(rounds, intervalMs),
    memory,
    ...(overhead.length
      ? { switchyardOverhead: { count: dist.count, p50Ms: dist.p50, p99Ms: dist.p99 } }
      : {}),
  };
}
