/**
 * `npm run bench:messages`: what the Anthropic ingress costs. One Switchyard process (the `switchyard`
 * target: one openai-compatible provider at the mock upstream) serves the same prompt two ways in the same
 * run, interleaved round by round:
 * - `chat`: `POST /v1/chat/completions`, passed through to the mock as is (the baseline);
 * - `messages`: `POST /v1/messages` with the same prompt, translated to a chat completion for the mock and
 *   its answer translated back to an Anthropic Message (or event stream).
 * Per round: proxy CPU µs/request over a 32-connection wrk run, p50 latency at concurrency 1, and time to
 * first event over sequential streams (8 chunks 20 ms apart; for `/v1/messages` the first event is
 * `message_start`, written when the upstream's first chunk arrives). Medians over rounds; the `messages`
 * figures minus the `chat` ones are what the translation adds. Writes bench/results/messages.json.
 *
 * Flags: `--rounds N` (default 3), `--smoke` (one short round).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
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
  options: { smoke: { type: 'boolean', default: false }, rounds: { type: 'string' } },
});
const settings = flags.smoke
  ? { rounds: 1, warmupS: 1, loadS: 1, streams: 3 }
  : { rounds: Number(flags.rounds ?? 3), warmupS: 2, loadS: 5, streams: 30 };
const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const STREAM_SHAPE: StreamShape = { chunks: 8, intervalMs: 20 };
const LOAD_CORE = 0;
const PROXY_CORE = cpus().length >= 2 ? 1 : 0;

const SYSTEM = 'You are a helpful assistant.';
const USER = 'Say something short about benchmarks.';
/** The two routes, each with its non-streaming body; the streaming body adds `"stream": true`. */
const ROUTES = {
  chat: {
    path: '/v1/chat/completions',
    body: {
      model: MOCK_MODEL,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: USER },
      ],
      temperature: 0.2,
    },
    headers: {},
  },
  messages: {
    path: '/v1/messages',
    body: {
      model: MOCK_MODEL,
      max_tokens: 256,
      system: SYSTEM,
      messages: [{ role: 'user', content: USER }],
      temperature: 0.2,
    },
    headers: { 'anthropic-version': '2023-06-01' },
  },
} as const;
type RouteName = keyof typeof ROUTES;

/** One route's figures in one round. */
interface RouteRound {
  cpuUsPerRequest: number;
  requestsPerSecond: number;
  c1P50Ms: number;
  ttftMs: number;
  errors: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function measure(target: Target, name: RouteName): Promise<RouteRound> {
  const route = ROUTES[name];
  const base = {
    url: `${target.baseUrl}${route.path}`,
    body: JSON.stringify(route.body),
    headers: { ...target.headers, ...route.headers },
    core: LOAD_CORE,
  };
  await runWrk({ ...base, connections: 32, durationS: settings.warmupS });
  const before = cpuSeconds(target.pid!);
  const c32 = await runWrk({ ...base, connections: 32, durationS: settings.loadS });
  const cpuUsPerRequest = ((cpuSeconds(target.pid!) - before) * 1e6) / Math.max(1, c32.requests);
  const c1 = await runWrk({ ...base, connections: 1, durationS: settings.loadS });
  const streams = await runStreams({
    url: base.url,
    headers: base.headers,
    body: JSON.stringify({ ...route.body, stream: true }),
    count: settings.streams,
    concurrency: 1,
  });
  const result = {
    cpuUsPerRequest,
    requestsPerSecond: c32.requestsPerSecond,
    c1P50Ms: c1.latencyMs.p50,
    ttftMs: median(streams.map((s) => s.ttftMs)),
    errors: c32.errors + c1.errors,
  };
  log(
    `  ${name.padEnd(8)} ${result.cpuUsPerRequest.toFixed(0)} µs CPU/request, ${result.requestsPerSecond.toFixed(0)} req/s at c32, ` +
      `c1 p50 ${result.c1P50Ms.toFixed(3)} ms, TTFT ${result.ttftMs.toFixed(3)} ms, errors ${result.errors}`,
  );
  return result;
}

execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
const mockPort = await freePort();
const mock = startPinned('mock', LOAD_CORE, process.execPath, [
  '--import',
  import.meta.resolve('tsx'),
  fileURLToPath(new URL('mock-upstream.ts', import.meta.url)),
  '--port',
  String(mockPort),
]);
const rounds: Record<RouteName, RouteRound>[] = [];
let target: Target | undefined;
try {
  await waitForPort(mock, mockPort);
  await fetch(`http://127.0.0.1:${mockPort}/_mock/stream`, {
    method: 'PUT',
    body: JSON.stringify(STREAM_SHAPE),
  });
  target = await startTarget('switchyard', { mockPort, core: PROXY_CORE });
  for (let i = 0; i < settings.rounds; i++) {
    log(`round ${i + 1}/${settings.rounds}`);
    const order: RouteName[] = i % 2 === 0 ? ['chat', 'messages'] : ['messages', 'chat'];
    const round = {} as Record<RouteName, RouteRound>;
    for (const name of order) round[name] = await measure(target, name);
    rounds.push(round);
  }
} finally {
  await target?.stop();
  await mock.stop();
}

const pick = (name: RouteName, key: keyof RouteRound) => median(rounds.map((r) => r[name][key]));
const figures = Object.fromEntries(
  (Object.keys(ROUTES) as RouteName[]).map((name) => [
    name,
    {
      cpuUsPerRequest: pick(name, 'cpuUsPerRequest'),
      requestsPerSecond: pick(name, 'requestsPerSecond'),
      c1P50Ms: pick(name, 'c1P50Ms'),
      ttftMs: pick(name, 'ttftMs'),
    },
  ]),
);
const added = {
  cpuUsPerRequest: median(rounds.map((r) => r.messages.cpuUsPerRequest - r.chat.cpuUsPerRequest)),
  c1P50Ms: median(rounds.map((r) => r.messages.c1P50Ms - r.chat.c1P50Ms)),
  ttftMs: median(rounds.map((r) => r.messages.ttftMs - r.chat.ttftMs)),
};
mkdirSync(RESULTS_DIR, { recursive: true });
const file = join(RESULTS_DIR, flags.smoke ? 'messages-smoke.json' : 'messages.json');
writeFileSync(
  file,
  `${JSON.stringify({ machine: machineInfo(), settings, figures, added, rounds }, null, 2)}\n`,
);
log(
  `medians: ${JSON.stringify(figures)}\nadded by /v1/messages: ${JSON.stringify(added)}\nwritten to ${file}`,
);
const failed = rounds.some((r) => r.chat.errors + r.messages.errors > 0);
process.exit(failed ? 1 : 0);
