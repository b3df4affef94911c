/**
 * Bounded soak test (`npm run soak [-- --duration 30s --concurrency 64]`): a real gateway process in front
 * of two fake upstreams (two deployments of one model) that inject a fault into 10% of their answers
 * (429 with `Retry-After: 1`, 500/502/503/504, connection resets, bodies truncated mid-JSON, hangs before
 * headers, slow drips: a stream or body that arrives slowly but within the idle timeout). Loopback only; it
 * stops by itself after `--duration` (default 60 s, at most 2 minutes). Asserts: no request outlives its
 * deadline, every answer is a success or an OpenAI-format error, ≥ 99.9% succeed, upstream in-flight returns
 * to zero, the gateway's RSS stays stable. Prints its figures; exits 1 when an assertion fails.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { durationMs } from '../src/config/units.js';
import { type FakeRoute, type FakeUpstream, startFakeUpstream } from '../test/support/fake-upstream.js';
import { startGatewayProcess } from '../test/support/gateway-process.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60s' },
    concurrency: { type: 'string', default: '64' },
  },
});
const durationLimit = durationMs.parse(values.duration);
const DURATION_MS = Math.min(durationLimit, 120_000);
const CONCURRENCY = Number(values.concurrency);
const FAULT_RATE = 0.1;
/** Gateway-side limits for the soak model; the client deadline adds a margin for scheduling noise. */
const TOTAL_TIMEOUT_MS = 10_000;
const CLIENT_DEADLINE_MS = TOTAL_TIMEOUT_MS + 5_000;
const RSS_GROWTH_LIMIT_BYTES = 64 * 1024 * 1024;

const OK_JSON = readFileSync(new URL('../test/fixtures/openai/chat-text.json', import.meta.url), 'utf8');
const OK_SSE = readFileSync(new URL('../test/fixtures/openai/chat-text.sse', import.meta.url), 'utf8');
/** One fault; `stream` tells whether the client asked for a stream (drips differ). */
type Fault = FakeRoute | ((stream: boolean) => FakeRoute);
const faults: Fault[] = [
  {
    status: 429,
    headers: { 'retry-after': '1' },
    json: { error: { message: 'injected 429', type: 'rate_limit_error' } },
  },
  (stream) =>
    stream
      ? { text: OK_SSE, headers: { 'content-type': 'text/event-stream' }, lineDelayMs: 150 }
      : { text: OK_JSON, headers: { 'content-type': 'application/json' }, delayMs: 300 },
  { status: 500, json: { error: { message: 'injected 500' } } },
  { status: 502, text: 'bad gateway' },
  { status: 503, json: { error: { message: 'injected 503' } } },
  { status: 504, json: { error: { message: 'injected 504' } } },
  { reset: true },
  { text: OK_JSON, headers: { 'content-type': 'application/json' }, truncateAfterBytes: 40 },
  { hang: true },
];
const injected = { count: 0, answers: 0 };

/** One upstream answer: 10% faults, else a chat completion (streamed when asked). */
function answer(req: { json: unknown }): FakeRoute {
  injected.answers++;
  const stream = (req.json as { stream?: boolean } | undefined)?.stream === true;
  if (Math.random() < FAULT_RATE) {
    injected.count++;
    const fault = faults[Math.floor(Math.random() * faults.length)]!;
    return typeof fault === 'function' ? fault(stream) : fault;
  }
  return stream
    ? { text: OK_SSE, headers: { 'content-type': 'text/event-stream' } }
    : { text: OK_JSON, headers: { 'content-type': 'application/json' } };
}

type Outcome = 'success' | 'openai_error' | 'malformed' | 'hung';

/** Classifies one finished exchange. */
function classify(status: number, contentType: string, body: string): Outcome {
  if (status === 200 && contentType.startsWith('text/event-stream')) {
    const events = body.trimEnd().split('\n\n');
    const last = events.at(-1);
    if (last === 'data: [DONE]' && !body.includes('"error"')) return 'success';
    try {
      return isEnvelope(JSON.parse(last!.slice('data: '.length))) ? 'openai_error' : 'malformed';
    } catch {
      return 'malformed';
    }
  }
  try {
    const parsed = JSON.parse(body) as { choices?: unknown[] };
    if (status === 200) return Array.isArray(parsed.choices) ? 'success' : 'malformed';
    return isEnvelope(parsed) ? 'openai_error' : 'malformed';
  } catch {
    return 'malformed';
  }
}

function isEnvelope(value: unknown): boolean {
  const e = (value as { error?: { message?: unknown; type?: unknown } }).error;
  return typeof e?.message === 'string' && typeof e?.type === 'string';
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  const upstreams: FakeUpstream[] = [];
  for (let i = 0; i < 2; i++) {
    upstreams.push(
      await startFakeUpstream({
        'POST /v1/chat/completions': answer,
        'GET /v1/models': { json: { object: 'list', data: [] } },
      }),
    );
  }
  const gateway = await startGatewayProcess({
    server: { log_level: 'error', drain_timeout: '2s' },
    providers: Object.fromEntries(
      upstreams.map((u, i) => [
        `up${i}`,
        { type: 'openai-compatible', base_url: `${u.url}/v1`, discover: false, max_connections: 256 },
      ]),
    ),
    models: [
      {
        id: 'soak',
        deployments: upstreams.map((_, i) => ({ provider: `up${i}`, model: 'soak' })),
        max_retries: 2,
        // Independent 10% faults should be absorbed by retries, not trip the breaker (its own tests cover it):
        // with only two deployments, both cooling at once would turn into 503s by design.
        failure_threshold: 10,
        cooldown: '500ms',
        timeouts: { first_byte: '500ms', idle: '1s', total: `${TOTAL_TIMEOUT_MS}ms` },
      },
    ],
  });
  const pid = gateway.child.pid!;
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  const outcomes: Record<Outcome, number> = { success: 0, openai_error: 0, malformed: 0, hung: 0 };
  const statuses = new Map<number, number>();
  const attempts = new Map<string, number>();
  const latencies: number[] = [];
  const examples: string[] = [];
  const rss: number[] = [rssOf(pid)];
  const sampler = setInterval(() => {
    rss.push(rssOf(pid));
    for (const u of upstreams) u.requests.length = 0;
  }, 1_000);

  const started = performance.now();
  const stopAt = started + DURATION_MS;
  async function worker(n: number): Promise<void> {
    for (let i = 0; performance.now() < stopAt; i++) {
      const stream = (n + i) % 2 === 0;
      const t0 = performance.now();
      let outcome: Outcome;
      let status = 0;
      try {
        const res = await request(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'soak', messages: [{ role: 'user', content: 'hi' }], stream }),
          signal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
        });
        status = res.statusCode;
        const a = String(res.headers['x-switchyard-attempts'] ?? '-');
        attempts.set(a, (attempts.get(a) ?? 0) + 1);
        const body = await res.body.text();
        outcome = classify(status, String(res.headers['content-type'] ?? ''), body);
        if (outcome !== 'success' && examples.length < 5) examples.push(`${status} ${body.slice(0, 200)}`);
      } catch (err) {
        outcome = (err as Error).name === 'TimeoutError' ? 'hung' : 'malformed';
        if (examples.length < 5) examples.push(`client error: ${(err as Error).message}`);
      }
      latencies.push(performance.now() - t0);
      outcomes[outcome]++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  }

  await Promise.all(Array.from({ length: CONCURRENCY }, (_, n) => worker(n)));
  const elapsed = performance.now() - started;
  // Warm-up: the first half of the run, while heaps and connection pools grow to their working size.
  const rssWarm = Math.max(...rss.slice(0, Math.max(1, Math.floor(rss.length / 2))));

  let upstreamOpen = upstreams.reduce((n, u) => n + u.openResponses(), 0);
  let gatewayInFlight = -1;
  const settleBy = performance.now() + 5_000;
  while (performance.now() < settleBy) {
    upstreamOpen = upstreams.reduce((n, u) => n + u.openResponses(), 0);
    const health = (await (await fetch(`${gateway.url}/health/providers`)).json()) as {
      providers: { in_flight: number }[];
    };
    gatewayInFlight = health.providers.reduce((n, p) => n + p.in_flight, 0);
    if (upstreamOpen === 0 && gatewayInFlight === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  clearInterval(sampler);
  const rssEnd = rssOf(pid);
  await agent.close();
  const exitCode = await gateway.stop();
  await Promise.all(upstreams.map((u) => u.close()));

  const total = latencies.length;
  const sorted = latencies.sort((a, b) => a - b);
  const successRate = total === 0 ? 0 : outcomes.success / total;
  const lines = [
    `soak: ${(elapsed / 1000).toFixed(1)} s, concurrency ${CONCURRENCY}, ${total} requests (${(total / (elapsed / 1000)).toFixed(0)}/s)`,
    `  upstream answers ${injected.answers}, faults injected ${injected.count} (${((injected.count / Math.max(1, injected.answers)) * 100).toFixed(1)}%)`,
    `  outcomes: ${JSON.stringify(outcomes)}  success ${(successRate * 100).toFixed(3)}%`,
    `  statuses: ${JSON.stringify(Object.fromEntries(statuses))}  attempts: ${JSON.stringify(Object.fromEntries([...attempts].sort()))}`,
    `  latency ms: p50 ${percentile(sorted, 0.5).toFixed(1)}  p99 ${percentile(sorted, 0.99).toFixed(1)}  max ${percentile(sorted, 1).toFixed(1)}`,
    `  RSS: start ${mb(rss[0]!)}  peak in first half ${mb(rssWarm)}  end ${mb(rssEnd)}  peak ${mb(Math.max(...rss, rssEnd))}`,
    `  after the load: upstream open responses ${upstreamOpen}, gateway in-flight ${gatewayInFlight}; gateway exit code ${exitCode}`,
  ];
  if (examples.length > 0) lines.push(`  examples of non-successes:\n    ${examples.join('\n    ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  const failures: string[] = [];
  if (durationLimit > 120_000) failures.push('--duration is capped at 2 minutes');
  if (total === 0) failures.push('no request completed');
  if (outcomes.hung > 0)
    failures.push(`${outcomes.hung} requests outlived their ${CLIENT_DEADLINE_MS} ms deadline`);
  if (outcomes.malformed > 0)
    failures.push(`${outcomes.malformed} answers were neither a success nor an OpenAI error`);
  if (successRate < 0.999) failures.push(`success rate ${(successRate * 100).toFixed(3)}% < 99.9%`);
  if (upstreamOpen !== 0) failures.push(`${upstreamOpen} upstream requests still open`);
  if (gatewayInFlight !== 0) failures.push(`gateway reports ${gatewayInFlight} requests in flight`);
  if (rssEnd - rssWarm > RSS_GROWTH_LIMIT_BYTES)
    failures.push(`RSS grew by ${mb(rssEnd - rssWarm)} after warm-up`);
  if (exitCode !== 0) failures.push(`gateway exited with ${exitCode}`);
  for (const f of failures) process.stdout.write(`FAIL: ${f}\n`);
  if (failures.length === 0) process.stdout.write('soak: all assertions passed\n');
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
