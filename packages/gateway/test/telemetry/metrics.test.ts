/**
 * `/metrics` after a scripted mix of requests through a real gateway process (the `openai` SDK, its retries
 * off) and a fault-injecting fake upstream: every count and token sum on the page equals what was sent, and
 * a Prometheus text-format parser reads the whole page.
 */
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK } from '../support/fault-script.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { PrometheusPage } from '../support/prometheus-text.js';

/**
 * A streamed chat completion with `stream_options.include_usage`: content chunks with `usage: null`, then a
 * `choices: []` chunk with the usage (OpenAI API reference, "The chat completion chunk object", usage).
 */
const USAGE_STREAM = [
  { choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }], usage: null },
  { choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }], usage: null },
  { choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } },
]
  .map(
    (c) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', ...c })}\n\n`,
  )
  .join('')
  .concat('data: [DONE]\n\n');

const failure = (status: number) => ({
  status,
  json: { error: { message: `fake ${status}`, type: 'server_error', param: null, code: null } },
});

const script = new FaultScript();
let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;
const messages = [{ role: 'user' as const, content: 'hi' }];

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': (req) => {
      const body = req.json as { model: string; stream_options?: unknown };
      if (body.model === 'ok' && body.stream_options) return { text: USAGE_STREAM, headers: SSE };
      return script.handler(req);
    },
    'GET /v1/models': { json: { object: 'list', data: [] } },
  });
  script.set('ok', OK);
  script.set('flaky', failure(500), failure(500), OK);
  script.set('bad', failure(400));
  script.set('primary', failure(503));
  script.set('backup', OK);
  script.set('cut', { fixture: 'openai/chat-text.sse', truncateAfterBytes: 150 });
  const model = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    deployments: [{ provider: 'fake', model: id }],
    ...extra,
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { fake: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
    models: [
      model('ok'),
      model('flaky', { max_retries: 5 }),
      model('bad'),
      model('primary', { max_retries: 0, failure_threshold: 1, cooldown: '60s', fallbacks: ['backup'] }),
      model('backup'),
      model('cut', { max_retries: 0 }),
    ],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

const SSE = { 'content-type': 'text/event-stream' };

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (err) {
    if (err instanceof APIError) return err.status ?? -1;
    throw err;
  }
}

describe('/metrics after a scripted mix of requests', () => {
  let page: PrometheusPage;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'ok', messages });
    for (let i = 0; i < 2; i++) {
      const stream = await client.chat.completions.create({
        model: 'ok',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of stream);
    }
    await client.chat.completions.create({ model: 'flaky', messages });
    expect(await statusOf(client.chat.completions.create({ model: 'bad', messages }))).toBe(400);
    expect(await statusOf(client.chat.completions.create({ model: 'nope', messages }))).toBe(404);
    expect(await statusOf(client.chat.completions.create({ model: 'nope-2', messages }))).toBe(404);
    await client.chat.completions.create({ model: 'primary', messages });
    const cut = await client.chat.completions.create({ model: 'cut', messages, stream: true });
    await expect(async () => {
      for await (const _ of cut);
    }).rejects.toThrow();
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    page = new PrometheusPage(await res.text());
  });

  it('counts requests by route, model, provider, deployment, status and error code', () => {
    const requests = (labels: Record<string, string>) => page.total('switchyard_requests_total', labels);
    const ok = { route: 'chat.completions', provider: 'fake', status: '200', error_code: '' };
    expect(requests({ ...ok, model: 'ok', deployment: 'ok' })).toBe(5);
    expect(requests({ ...ok, model: 'flaky', deployment: 'flaky' })).toBe(1);
    expect(requests({ ...ok, model: 'primary', deployment: 'backup' })).toBe(1);
    expect(requests({ model: 'bad', status: '400' })).toBe(1);
    // Unknown model ids collapse into one label value.
    expect(requests({ model: 'unknown', status: '404', error_code: 'model_not_found', provider: '' })).toBe(
      2,
    );
    expect(page.samples('switchyard_requests_total', { model: 'nope' })).toEqual([]);
    // The stream cut by the upstream after its headers: 200 sent, then a failure code.
    const cut = page.samples('switchyard_requests_total', { model: 'cut' });
    expect(cut).toHaveLength(1);
    expect(cut[0]!.labels).toMatchObject({ status: '200', error_code: 'upstream_connection_error' });
    expect(requests({})).toBe(11);
    expect(page.total('gen_ai_server_request_duration_seconds', {})).toBe(11);
  });

  it('sums the tokens the upstream reported, JSON and streamed', () => {
    const tokens = (type: string) => page.total('switchyard_tokens_total', { model: 'ok', type });
    expect(tokens('prompt')).toBe(3 * 9 + 2 * 5);
    expect(tokens('completion')).toBe(3 * 2 + 2 * 3);
    const usage = (type: string) => ({ gen_ai_request_model: 'ok', gen_ai_token_type: type });
    expect(page.sum('gen_ai_client_token_usage', usage('input'))).toBe(37);
    expect(page.total('gen_ai_client_token_usage', usage('input'))).toBe(5);
    expect(page.sum('gen_ai_client_token_usage', usage('output'))).toBe(12);
    expect(page.family('gen_ai_client_token_usage').type).toBe('HISTOGRAM');
  });

  it('observes time to first token and time per output token for streams only', () => {
    const ok = { gen_ai_request_model: 'ok', gen_ai_operation_name: 'chat' };
    expect(page.total('gen_ai_server_time_to_first_token_seconds', ok)).toBe(2);
    expect(page.total('gen_ai_server_time_per_output_token_seconds', ok)).toBe(2);
  });

  it('counts attempts, retries, upstream errors, fallbacks and cooldowns', () => {
    const attempts = (deployment: string, outcome: string) =>
      page.total('switchyard_upstream_attempts_total', { deployment, outcome });
    expect(attempts('flaky', 'success')).toBe(1);
    expect(attempts('flaky', 'error')).toBe(2);
    expect(page.total('switchyard_retries_total', { model: 'flaky', deployment: 'flaky' })).toBe(2);
    expect(page.total('switchyard_upstream_errors_total', { deployment: 'flaky', status: '500' })).toBe(2);
    expect(page.total('switchyard_upstream_errors_total', { deployment: 'primary', status: '503' })).toBe(1);
    expect(page.total('switchyard_fallbacks_total', { model: 'primary', fallback: 'backup' })).toBe(1);
    expect(page.total('switchyard_cooldowns_total', { deployment: 'primary', reason: 'failures' })).toBe(1);
    expect(page.total('switchyard_deployment_cooling', { deployment: 'primary' })).toBe(1);
    expect(page.total('switchyard_deployment_cooling', { deployment: 'ok' })).toBe(0);
  });

  it('shows nothing in flight once every request is over', () => {
    expect(page.total('switchyard_requests_in_flight')).toBe(0);
    expect(page.total('switchyard_deployment_in_flight')).toBe(0);
    expect(page.family('vllm:num_requests_running').type).toBe('GAUGE');
  });
});
