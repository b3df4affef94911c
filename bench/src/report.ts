/**
 * Verdicts against the targets of issue 6 and the markdown rendering of a benchmark run. Pure: the harness
 * writes the returned text to bench/results/.
 */
import type { Figures, LoadFigure } from './summarize.js';
import type { TargetName } from './targets.js';

/** Targets from issue 6 (same machine, same mock, one run). */
export const TARGETS = {
  /** Added latency at concurrency 1, ms. */
  addedP50Ms: 0.25,
  addedP99Ms: 1,
  /** Throughput at 32 connections, fraction of nginx's. */
  minShareOfNginx: 0.5,
  /** Throughput at 32 connections, multiple of Portkey's. */
  minTimesPortkey: 10,
  /** Added time to first token, ms. */
  addedTtftMs: 0.5,
  /** Largest share of inter-chunk gaps below half the mock's interval still counted as "as they arrive". */
  maxCoalescedShare: 0.01,
  /** RSS with 1,000 concurrent streams, MB. */
  maxStreamsRssMB: 200,
  /**
   * Direct throughput over a proxy's: below this, the load core (mock + wrk) rather than the proxy may bound
   * the proxy's figure, which is then a lower bound.
   */
  mockHeadroom: 1.5,
} as const;

/** One line of the PASS/MISS list. `value` NaN means the figure was not measured (a MISS). */
export interface Verdict {
  name: string;
  value: number;
  limit: string;
  pass: boolean;
}

/** One pair's ratios: throughput (higher is faster), added latency and CPU per request (lower is). */
export interface PairRatios {
  rpsC32: number;
  rpsC256: number;
  addedP50: number;
  addedP99: number;
  /** Proxy CPU time per request at 32 connections. */
  cpuC32: number;
}

/** Ratios between targets (NaN when one side is missing). */
export interface Ratios {
  switchyardOverNginx: PairRatios;
  portkeyOverSwitchyard: PairRatios;
}

const ratio = (a: number | undefined, b: number | undefined) => (a ?? Number.NaN) / (b ?? Number.NaN);

/** Switchyard/nginx and Portkey/Switchyard for every figure of {@link PairRatios}. */
export function ratios(f: Figures): Ratios {
  const pair = (a: TargetName, b: TargetName): PairRatios => ({
    rpsC32: ratio(f.throughputC32[a]?.rps, f.throughputC32[b]?.rps),
    rpsC256: ratio(f.throughputC256[a]?.rps, f.throughputC256[b]?.rps),
    addedP50: ratio(f.addedLatencyC1[a]?.p50Ms, f.addedLatencyC1[b]?.p50Ms),
    addedP99: ratio(f.addedLatencyC1[a]?.p99Ms, f.addedLatencyC1[b]?.p99Ms),
    cpuC32: ratio(f.throughputC32[a]?.cpuUsPerRequest, f.throughputC32[b]?.cpuUsPerRequest),
  });
  return {
    switchyardOverNginx: pair('switchyard', 'nginx'),
    portkeyOverSwitchyard: pair('portkey', 'switchyard'),
  };
}

const atMost = (name: string, value: number | undefined, limit: number, unit: string): Verdict => {
  const v = value ?? Number.NaN;
  return { name, value: v, limit: `≤ ${limit}${unit}`, pass: v <= limit };
};
const atLeast = (name: string, value: number, limit: number, unit: string): Verdict => ({
  name,
  value,
  limit: `≥ ${limit}${unit}`,
  pass: value >= limit,
});

/** Switchyard's figures against {@link TARGETS}, plus the check that the mock is not the bottleneck. */
export function verdicts(f: Figures): Verdict[] {
  const sy = f.throughputC32.switchyard?.rps;
  const stream = f.streaming.switchyard;
  return [
    atMost(
      'added latency p50 at concurrency 1 (ms)',
      f.addedLatencyC1.switchyard?.p50Ms,
      TARGETS.addedP50Ms,
      ' ms',
    ),
    atMost(
      'added latency p99 at concurrency 1 (ms)',
      f.addedLatencyC1.switchyard?.p99Ms,
      TARGETS.addedP99Ms,
      ' ms',
    ),
    atLeast(
      'throughput at 32 connections / nginx',
      ratio(sy, f.throughputC32.nginx?.rps),
      TARGETS.minShareOfNginx,
      '',
    ),
    atLeast(
      'throughput at 32 connections / Portkey',
      ratio(sy, f.throughputC32.portkey?.rps),
      TARGETS.minTimesPortkey,
      '',
    ),
    atMost('added time to first token (ms)', stream?.addedTtftP50Ms, TARGETS.addedTtftMs, ' ms'),
    atMost('share of chunks coalesced', stream?.coalescedShare, TARGETS.maxCoalescedShare, ''),
    atMost(
      `RSS with ${f.memory.switchyard?.streams ?? 0} concurrent streams (MB)`,
      f.memory.switchyard?.streamsMB,
      TARGETS.maxStreamsRssMB,
      ' MB',
    ),
    atLeast(
      'mock headroom: direct / Switchyard throughput at 32 connections',
      ratio(f.throughputC32.direct?.rps, sy),
      TARGETS.mockHeadroom,
      '',
    ),
  ];
}

/** A number for a table cell: 3 significant decimals below 10, whole above; `–` when missing. */
export function fmt(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(abs >= 1 ? 2 : 3);
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const LOAD_HEADER = ['target', 'req/s', 'p50', 'p99', 'errors', 'proxy CPU µs/request'];

function loadRows(
  names: readonly TargetName[],
  figures: Partial<Record<TargetName, LoadFigure>>,
): string[][] {
  return names
    .filter((n) => figures[n])
    .map((n) => {
      const f = figures[n]!;
      return [n, fmt(f.rps), fmt(f.p50Ms), fmt(f.p99Ms), String(f.errors), fmt(f.cpuUsPerRequest)];
    });
}

/** Header data of a run, rendered above the tables. */
export interface RunInfo {
  mode: 'full' | 'smoke';
  date: string;
  machine: Record<string, string | number>;
  settings: Record<string, string | number>;
}

/**
 * The markdown report: machine, settings, one table per figure, ratios and the PASS/MISS list.
 * @param names targets in display order
 */
export function renderMarkdown(info: RunInfo, names: readonly TargetName[], f: Figures): string {
  const proxies = names.filter((n) => n !== 'direct');
  const r = ratios(f);
  const out: string[] = [
    `# Benchmark ${info.mode === 'smoke' ? 'smoke run' : 'run'} ${info.date}`,
    '',
    `Medians over ${f.rounds} interleaved round(s). Latencies in ms, throughput in requests/s, memory in MB.`,
    '',
    '## Machine and settings',
    '',
    table(
      ['key', 'value'],
      [...Object.entries(info.machine), ...Object.entries(info.settings)].map(([k, v]) => [k, String(v)]),
    ),
    '',
    '## Latency at concurrency 1 (non-streaming)',
    '',
    table(
      ['target', 'p50', 'p99', 'added p50', 'added p99'],
      names
        .filter((n) => f.latencyC1[n])
        .map((n) => [
          n,
          fmt(f.latencyC1[n]!.p50Ms),
          fmt(f.latencyC1[n]!.p99Ms),
          fmt(f.addedLatencyC1[n]?.p50Ms),
          fmt(f.addedLatencyC1[n]?.p99Ms),
        ]),
    ),
    '',
    '## Throughput at 32 connections',
    '',
    table(LOAD_HEADER, loadRows(names, f.throughputC32)),
    '',
    '## Throughput at 256 connections',
    '',
    Object.keys(f.throughputC256).length
      ? table(LOAD_HEADER, loadRows(names, f.throughputC256))
      : 'not run (smoke mode)',
    '',
    '## Streaming',
    '',
    table(
      ['target', 'TTFT p50', 'added TTFT', 'gap p50', 'gap p1', 'coalesced'],
      names
        .filter((n) => f.streaming[n])
        .map((n) => {
          const s = f.streaming[n]!;
          return [
            n,
            fmt(s.ttftP50Ms),
            fmt(s.addedTtftP50Ms),
            fmt(s.gapP50Ms),
            fmt(s.gapP1Ms),
            `${fmt(s.coalescedShare * 100)}%`,
          ];
        }),
    ),
    '',
    '## Memory (RSS)',
    '',
    table(
      ['target', 'idle', 'with streams', 'streams'],
      proxies
        .filter((n) => f.memory[n])
        .map((n) => [n, fmt(f.memory[n]!.idleMB), fmt(f.memory[n]!.streamsMB), String(f.memory[n]!.streams)]),
    ),
    '',
    '## Switchyard overhead as it reports it (`x-switchyard-overhead-ms`, concurrency 1)',
    '',
    f.switchyardOverhead
      ? table(
          ['responses', 'p50', 'p99'],
          [
            [
              String(f.switchyardOverhead.count),
              fmt(f.switchyardOverhead.p50Ms),
              fmt(f.switchyardOverhead.p99Ms),
            ],
          ],
        )
      : 'not reported',
    '',
    '## Headroom of the load core (direct / proxy throughput at 32 connections)',
    '',
    'Below ' +
      TARGETS.mockHeadroom +
      ', the core running the mock and wrk is close to saturation and the proxy figure is a lower bound.',
    '',
    table(
      ['proxy', 'direct / proxy'],
      proxies.map((n) => [n, fmt(ratio(f.throughputC32.direct?.rps, f.throughputC32[n]?.rps))]),
    ),
    '',
    '## Ratios',
    '',
    "CPU per request is the proxy's user + system time over the 32-connection run divided by the requests served;",
    'unlike throughput it hardly moves when other jobs share the machine.',
    '',
    table(
      ['ratio', 'req/s @32', 'req/s @256', 'added p50', 'added p99', 'CPU/request @32'],
      [
        ['Switchyard / nginx', ...Object.values(r.switchyardOverNginx).map(fmt)],
        ['Portkey / Switchyard', ...Object.values(r.portkeyOverSwitchyard).map(fmt)],
      ],
    ),
    '',
    '## Targets',
    '',
    table(
      ['', 'figure', 'value', 'target'],
      verdicts(f).map((v) => [v.pass ? 'PASS' : 'MISS', v.name, fmt(v.value), v.limit]),
    ),
    '',
  ];
  return out.join('\n');
}
