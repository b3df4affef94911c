/**
 * `npm run bench:telemetry -- --base DIR`: what the telemetry costs per request, three gateways in one run,
 * interleaved round by round, each pinned to the proxy core in turn, in front of the same mock upstream:
 * - `off`: the gateway built in DIR (a checkout from before request telemetry: only the overhead histogram);
 * - `metrics`: this checkout (Prometheus metrics and the request log, always on), tracing off;
 * - `traced`: this checkout exporting every span over OTLP/HTTP to a receiver in this process (which reads
 *   and drops the batches).
 * Per round and gateway: proxy CPU µs per non-streamed chat completion over a 32-connection wrk run (after a
 * warm-up), and per streamed one (8 chunks) over sequential streams. Medians over rounds; `metrics − off`
 * and `traced − metrics` are what metrics and tracing add. Writes bench/results/telemetry.json.
 *
 * Flags: `--base DIR` (required), `--rounds N` (default 3), `--smoke` (one short round).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { MOCK_MODEL, type StreamShape } from './mock-upstream.js';
import { cpuSeconds, freePort, startPinned, waitForPort } from './processes.js';
import { median } from './stats.js';
import { runStreams } from './stream-client.js';
import { startTarget, type Target } from './targets.js';
import { runWrk } from './wrk.js';

const { values: flags } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    base: { type: 'string' },
  },
});
if (!flags.base)
  throw new Error('--base <checkout> is required: a built checkout from before request telemetry');
const settings = flags.smoke
  ? { rounds: 1, warmupS: 1, loadS: 1, streams: 5 }
  : { rounds: Number(flags.rounds ?? 3), warmupS: 2, loadS: 5, streams: 300 };
const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const STREAM_SHAPE: StreamShape = { chunks: 8, intervalMs: 5 };
const LOAD_CORE = 0;
const PROXY_CORE = cpus().length >= 2 ? 1 : 0;
const BODY = {
  model: MOCK_MODEL,
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Say something short about benchmarks.' },
  ],
  max_tokens: 64,
};
const GATEWAYS = ['off', 'metrics', 'traced'] as const;
type GatewayName = (typeof GATEWAYS)[number];

/** One gateway's figures in one round. */
interface GatewayRound {
  cpuUsPerRequest: number;
  cpuUsPerStream: number;
  requestsPerSecond: number;
  errors: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function measure(target: Target, name: GatewayName): Promise<GatewayRound> {
  const base = {
    url: `${target.baseUrl}/v1/chat/completions`,
    body: JSON.stringify(BODY),
    headers: target.headers,
    core: LOAD_CORE,
  };
  await runWrk({ ...base, connections: 32, durationS: settings.warmupS });
  let before = cpuSeconds(target.pid!);
  const c32 = await runWrk({ ...base, connections: 32, durationS: settings.loadS });
  const cpuUsPerRequest = ((cpuSeconds(target.pid!) - before) * 1e6) / Math.max(1, c32.requests);
  before = cpuSeconds(target.pid!);
  const streams = await runStreams({
    url: base.url,
    headers: base.headers,
    body: JSON.stringify({ ...BODY, stream: true, stream_options: { include_usage: true } }),
    count: settings.streams,
    concurrency: 4,
  });
  const cpuUsPerStream = ((cpuSeconds(target.pid!) - before) * 1e6) / Math.max(1, streams.length);
  const result = {
    cpuUsPerRequest,
    cpuUsPerStream,
    requestsPerSecond: c32.requestsPerSecond,
    errors: c32.errors,
  };
  log(
    `  ${name.padEnd(8)} ${cpuUsPerRequest.toFixed(1)} µs CPU/request (${c32.requestsPerSecond.toFixed(0)} req/s), ` +
      `${cpuUsPerStream.toFixed(1)} µs CPU/stream, errors ${c32.errors}`,
  );
  return result;
}

execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
let spans = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    spans++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
const mockPort = await freePort();
const mock = startPinned('mock', LOAD_CORE, process.execPath, [
  '--import',
  import.meta.resolve('tsx'),
  fileURLToPath(new URL('mock-upstream.ts', import.meta.url)),
  '--port',
  String(mockPort),
]);
const rounds: Record<GatewayName, GatewayRound>[] = [];
const targets = new Map<GatewayName, Target>();
try {
  await waitForPort(mock, mockPort);
  await fetch(`http://127.0.0.1:${mockPort}/_mock/stream`, {
    method: 'PUT',
    body: JSON.stringify(STREAM_SHAPE),
  });
  const common = { mockPort, core: PROXY_CORE };
  targets.set('off', await startTarget('switchyard-base', { ...common, baseRepo: resolve(flags.base) }));
  targets.set('metrics', await startTarget('switchyard', common));
  targets.set(
    'traced',
    await startTarget('switchyard', {
      ...common,
      switchyardEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_SERVICE_NAME: 'bench' },
    }),
  );
  for (let i = 0; i < settings.rounds; i++) {
    log(`round ${i + 1}/${settings.rounds}`);
    const order = GATEWAYS.map((_, k) => GATEWAYS[(k + i) % GATEWAYS.length]!);
    const round = {} as Record<GatewayName, GatewayRound>;
    for (const name of order) round[name] = await measure(targets.get(name)!, name);
    rounds.push(round);
  }
} finally {
  for (const t of targets.values()) await t.stop();
  await mock.stop();
  receiver.close();
}

const pick = (name: GatewayName, key: keyof GatewayRound) => median(rounds.map((r) => r[name][key]));
const figures = Object.fromEntries(
  GATEWAYS.map((name) => [
    name,
    {
      cpuUsPerRequest: pick(name, 'cpuUsPerRequest'),
      cpuUsPerStream: pick(name, 'cpuUsPerStream'),
      requestsPerSecond: pick(name, 'requestsPerSecond'),
    },
  ]),
);
const delta = (a: GatewayName, b: GatewayName, key: 'cpuUsPerRequest' | 'cpuUsPerStream') =>
  rounds.map((r) => r[a][key] - r[b][key]);
const added = {
  metrics: {
    cpuUsPerRequest: median(delta('metrics', 'off', 'cpuUsPerRequest')),
    cpuUsPerStream: median(delta('metrics', 'off', 'cpuUsPerStream')),
    perRound: delta('metrics', 'off', 'cpuUsPerRequest'),
  },
  tracing: {
    cpuUsPerRequest: median(delta('traced', 'metrics', 'cpuUsPerRequest')),
    cpuUsPerStream: median(delta('traced', 'metrics', 'cpuUsPerStream')),
    perRound: delta('traced', 'metrics', 'cpuUsPerRequest'),
  },
};
mkdirSync(RESULTS_DIR, { recursive: true });
const file = join(RESULTS_DIR, flags.smoke ? 'telemetry-smoke.json' : 'telemetry.json');
writeFileSync(
  file,
  `${JSON.stringify({ machine: machineInfo(), settings, figures, added, spanBatches: spans, rounds }, null, 2)}\n`,
);
log(
  `medians: ${JSON.stringify(figures)}\nadded: ${JSON.stringify(added)}\nspan batches received: ${spans}\nwritten to ${file}`,
);
const failed = rounds.some((r) => GATEWAYS.some((g) => r[g].errors > 0)) || spans === 0;
process.exit(failed ? 1 : 0);
