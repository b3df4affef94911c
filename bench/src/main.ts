/**
 * `npm run bench` / `npm run bench:smoke`: starts the mock upstream and every target, runs interleaved
 * rounds (each scenario runs every target in turn, the order rotating per round), measures memory with many
 * open streams, then writes bench/results/<mode>.json and <mode>.md and prints PASS/MISS per target.
 *
 * Flags: `--smoke` (about 15 s, one round, short runs; CI), `--rounds N`, `--targets direct,switchyard,...`,
 * `--base DIR` (also run the gateway of another built checkout as `switchyard-base`, e.g. a `git worktree` of
 * the commit before a change),
 * `--cpu-prof` (Switchyard runs under `node --cpu-prof`, profiles land in bench/results/profiles/).
 * Exit code 1 when a target failed requests or the harness failed; a MISS is not a failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { MOCK_MODEL, type StreamShape } from './mock-upstream.js';
import { cpuSeconds, freePort, type Managed, rssMiB, startPinned, waitForPort } from './processes.js';
import { ratios, renderMarkdown, verdicts } from './report.js';
import { runStreams } from './stream-client.js';
import { type Figures, type LoadResult, type Round, summarize } from './summarize.js';
import {
  DEFAULT_TARGETS,
  OVERHEAD_HEADER,
  startTarget,
  TARGET_NAMES,
  type Target,
  type TargetName,
} from './targets.js';
import { runWrk } from './wrk.js';

const { values: flags } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    targets: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    base: { type: 'string' },
  },
});

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');
const mode = flags.smoke ? 'smoke' : 'full';

/** Durations in seconds, counts of requests/streams. */
const settings = flags.smoke
  ? { rounds: 1, warmupS: 0, loadS: 1, c256: false, streams: 3, memoryStreams: 100 }
  : { rounds: 3, warmupS: 1, loadS: 5, c256: true, streams: 30, memoryStreams: 1000 };
if (flags.rounds) settings.rounds = Number(flags.rounds);
/** 20 ms between chunks: a stall of the shared machine shorter than 10 ms cannot pass for coalescing. */
const STREAM_SHAPE: StreamShape = { chunks: 8, intervalMs: 20 };
const MEMORY_SHAPE: StreamShape = flags.smoke
  ? { chunks: 4, intervalMs: 250 }
  : { chunks: 20, intervalMs: 400 };

const names = (flags.targets?.split(',') ??
  (flags.base === undefined
    ? [...DEFAULT_TARGETS]
    : [...DEFAULT_TARGETS, 'switchyard-base'])) as TargetName[];
for (const n of names) if (!TARGET_NAMES.includes(n)) throw new Error(`unknown target ${n}`);
if (!names.includes('direct')) names.unshift('direct');

const twoCores = cpus().length >= 2;
const LOAD_CORE = 0;
const PROXY_CORE = twoCores ? 1 : 0;

const CHAT_BODY = JSON.stringify({
  model: MOCK_MODEL,
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Say something short about benchmarks.' },
  ],
  temperature: 0.2,
});
const STREAM_BODY = JSON.stringify({ ...JSON.parse(CHAT_BODY), stream: true });

const log = (line: string) => process.stderr.write(`${line}\n`);

async function setMockShape(port: number, shape: StreamShape): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/_mock/stream`, {
    method: 'PUT',
    body: JSON.stringify(shape),
  });
  if (res.status !== 204) throw new Error(`mock refused stream shape: ${res.status}`);
}

async function warmRequest(target: Target): Promise<void> {
  const res = await fetch(`${target.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: CHAT_BODY,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${target.name} answered ${res.status}: ${text.slice(0, 500)}`);
}

async function load(target: Target, connections: number, collect: boolean) {
  const base = {
    url: `${target.baseUrl}/v1/chat/completions`,
    connections,
    body: CHAT_BODY,
    headers: target.headers,
    core: LOAD_CORE,
  };
  if (settings.warmupS > 0) await runWrk({ ...base, durationS: settings.warmupS });
  const cpuBefore = target.pid ? cpuSeconds(target.pid) : 0;
  const wrk = await runWrk({
    ...base,
    durationS: settings.loadS,
    ...(collect ? { collectHeader: OVERHEAD_HEADER } : {}),
  });
  const result: LoadResult = target.pid
    ? { ...wrk, cpuUsPerRequest: ((cpuSeconds(target.pid) - cpuBefore) * 1e6) / Math.max(1, wrk.requests) }
    : wrk;
  log(
    `  ${target.name.padEnd(10)} c${connections}: ${result.requestsPerSecond.toFixed(0)} req/s, ` +
      `p50 ${result.latencyMs.p50.toFixed(3)} ms, p99 ${result.latencyMs.p99.toFixed(3)} ms, errors ${result.errors}` +
      (result.cpuUsPerRequest === undefined ? '' : `, ${result.cpuUsPerRequest.toFixed(0)} µs CPU/request`),
  );
  return result;
}

async function round(index: number, targets: Target[], mockPort: number): Promise<Round> {
  const order = targets.map((_, i) => targets[(i + index) % targets.length]!);
  const r: Round = { c1: {}, c32: {}, c256: {}, streams: {} };
  log(`round ${index + 1}/${settings.rounds}`);
  for (const t of order) r.c1[t.name] = await load(t, 1, t.name.startsWith('switchyard'));
  for (const t of order) r.c32[t.name] = await load(t, 32, false);
  if (settings.c256) for (const t of order) r.c256[t.name] = await load(t, 256, false);
  await setMockShape(mockPort, STREAM_SHAPE);
  for (const t of order) {
    r.streams[t.name] = await runStreams({
      url: `${t.baseUrl}/v1/chat/completions`,
      headers: t.headers,
      body: STREAM_BODY,
      count: settings.streams,
      concurrency: 1,
    });
  }
  return r;
}

/** Peak RSS of a proxy while `memoryStreams` streams are open through it. */
async function memoryUnderStreams(target: Target): Promise<number> {
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  const sample = () => {
    peak = Math.max(peak, rssMiB(target.pid!));
  };
  const streams = await runStreams({
    url: `${target.baseUrl}/v1/chat/completions`,
    headers: target.headers,
    body: STREAM_BODY,
    count: settings.memoryStreams,
    concurrency: settings.memoryStreams,
    onAllOpen: () => {
      sample();
      sampler = setInterval(sample, 100);
    },
  });
  clearInterval(sampler);
  const complete = streams.filter((s) => s.chunks === MEMORY_SHAPE.chunks).length;
  if (complete !== settings.memoryStreams) {
    throw new Error(`${target.name}: ${complete}/${settings.memoryStreams} streams completed`);
  }
  return (peak * 1024 * 1024) / 1e6;
}

/** One round's load results without the per-response samples, for the JSON file. */
function loadSummary(results: Round['c1']) {
  return Object.fromEntries(
    Object.entries(results).map(([name, w]) => [
      name,
      {
        rps: w.requestsPerSecond,
        p50Ms: w.latencyMs.p50,
        p99Ms: w.latencyMs.p99,
        errors: w.errors,
        cpuUsPerRequest: w.cpuUsPerRequest,
      },
    ]),
  );
}

async function main(): Promise<number> {
  execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  const machine = machineInfo();
  const mockPortWanted = await freePort();
  const mock: Managed = startPinned('mock', LOAD_CORE, process.execPath, [
    '--import',
    import.meta.resolve('tsx'),
    join(BENCH_DIR, 'src/mock-upstream.ts'),
    '--port',
    String(mockPortWanted),
  ]);
  const targets: Target[] = [];
  try {
    await waitForPort(mock, mockPortWanted);
    const profileDir = join(RESULTS_DIR, 'profiles');
    if (flags['cpu-prof']) mkdirSync(profileDir, { recursive: true });
    for (const name of names) {
      targets.push(
        await startTarget(name, {
          mockPort: mockPortWanted,
          core: PROXY_CORE,
          ...(flags.base === undefined ? {} : { baseRepo: resolve(flags.base) }),
          ...(flags['cpu-prof']
            ? { switchyardNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] }
            : {}),
        }),
      );
    }
    const memory: Figures['memory'] = {};
    for (const t of targets) {
      await warmRequest(t);
      if (t.pid) memory[t.name] = { idleMB: (rssMiB(t.pid) * 1024 * 1024) / 1e6, streamsMB: 0, streams: 0 };
    }
    const rounds: Round[] = [];
    for (let i = 0; i < settings.rounds; i++) {
      await setMockShape(mockPortWanted, STREAM_SHAPE);
      rounds.push(await round(i, targets, mockPortWanted));
    }
    await setMockShape(mockPortWanted, MEMORY_SHAPE);
    for (const t of targets) {
      if (!t.pid) continue;
      log(`memory: ${settings.memoryStreams} streams through ${t.name}`);
      memory[t.name] = {
        ...memory[t.name]!,
        streamsMB: await memoryUnderStreams(t),
        streams: settings.memoryStreams,
      };
    }
    const figures = summarize(rounds, STREAM_SHAPE.intervalMs, memory);
    const info = {
      mode,
      date: new Date().toISOString(),
      machine,
      settings: {
        rounds: settings.rounds,
        'load run (s)': settings.loadS,
        'warm-up per run (s)': settings.warmupS,
        'cores (load generator + mock / proxy)': `${LOAD_CORE} / ${PROXY_CORE}`,
        'streams per target per round': settings.streams,
        'stream shape': `${STREAM_SHAPE.chunks} chunks every ${STREAM_SHAPE.intervalMs} ms`,
        'memory streams': `${settings.memoryStreams} × ${MEMORY_SHAPE.chunks} chunks every ${MEMORY_SHAPE.intervalMs} ms`,
      },
    } as const;
    const runs = rounds.map((r) => ({
      c1: loadSummary(r.c1),
      c32: loadSummary(r.c32),
      c256: loadSummary(r.c256),
    }));
    const results = {
      ...info,
      targets: names,
      figures,
      ratios: ratios(figures),
      verdicts: verdicts(figures),
      runs,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, `${mode}.json`), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = renderMarkdown(info, names, figures);
    writeFileSync(join(RESULTS_DIR, `${mode}.md`), markdown);
    process.stdout.write(`${markdown.slice(markdown.indexOf('## Targets'))}\n`);
    process.stdout.write(`written: bench/results/${mode}.json, bench/results/${mode}.md\n`);
    const failed = rounds.flatMap((r) =>
      [r.c1, r.c32, r.c256].flatMap((s) => Object.values(s).filter((w) => w.errors > 0)),
    );
    if (failed.length) {
      log(`${failed.length} load run(s) had failed requests`);
      return 1;
    }
    return 0;
  } finally {
    for (const t of targets) await t.stop();
    await mock.stop();
  }
}

process.exitCode = await main();
