/**
 * An upstream that echoes what it received (the Authorization header, the request body) must not carry a
 * configured secret back out: not in a JSON error, not in a passthrough stream, not in the gateway's log.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

const MASTER_KEY = 'sk-master-3b9f1c2d';
const PROVIDER_KEY = 'sk-upstream-77e0a4c9';
let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

/** Echoes the request's Authorization header and body, as some upstreams' error messages do. */
const echo = (req: { headers: Record<string, unknown>; body: Buffer }) =>
  `upstream saw authorization=${String(req.headers.authorization)} body=${req.body.toString('utf8')}`;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [{ id: 'echo', object: 'model' }] } },
    'POST /v1/chat/completions': (req) => {
      const body = req.json as { stream?: boolean; messages: { content: string }[] };
      const mode = body.messages[0]!.content;
      if (mode === 'status')
        return { status: 400, json: { error: { message: echo(req), type: 'BadRequest' } } };
      if (mode === 'plain') return { status: 500, text: echo(req) };
      if (mode === 'stream-error') {
        const event = { error: { message: echo(req), type: 'server_error', code: 500 } };
        return {
          headers: { 'content-type': 'text/event-stream' },
          text: `data: ${JSON.stringify(event)}\n\n`,
        };
      }
      return { status: 503, json: { error: { message: echo(req) } } };
    },
  });
  gateway = await startGatewayProcess(
    {
      server: { api_keys: ['${GATEWAY_MASTER_KEY}'], log_level: 'debug' },
      providers: {
        up: { type: 'vllm', base_url: `${upstream.url}/v1`, api_key: '${UPSTREAM_API_KEY}', timeout: '2s' },
      },
      models: [
        { id: 'echo', deployments: [{ provider: 'up' }], max_retries: 0, cooldown: 0 },
        { id: 'echo-cooling', deployments: [{ provider: 'up', model: 'echo' }], failure_threshold: 1 },
      ],
    },
    { GATEWAY_MASTER_KEY: MASTER_KEY, UPSTREAM_API_KEY: PROVIDER_KEY },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const ask = (content: string, stream = false, model = 'echo') =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` },
    body: JSON.stringify({ model, stream, user: MASTER_KEY, messages: [{ role: 'user', content }] }),
  });

describe('secret redaction', () => {
  it('the upstream really receives the provider key (the echo would leak it)', async () => {
    await ask('status');
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
  });

  for (const mode of ['status', 'plain', 'retryable']) {
    for (const stream of [false, true]) {
      it(`removes every key from a ${mode} upstream error (stream: ${stream})`, async () => {
        const res = await ask(mode, stream);
        const text = await res.text();
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(text).toContain('upstream saw authorization=Bearer [redacted]');
        expect(text).not.toContain(PROVIDER_KEY);
        expect(text).not.toContain(MASTER_KEY);
        expect(JSON.parse(text)).toMatchObject({ error: { message: expect.any(String) } });
      });
    }
  }

  it('removes every key from an error event inside a passed-through stream', async () => {
    const res = await ask('stream-error', true);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(PROVIDER_KEY);
    expect(text).not.toContain(MASTER_KEY);
  });

  it('the openai SDK raises the redacted message', async () => {
    const err = (await client.chat.completions
      .create({ model: 'echo', messages: [{ role: 'user', content: 'status' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(PROVIDER_KEY);
  });

  it('never writes a key to the log', async () => {
    await (await ask('retryable', false, 'echo-cooling')).text();
    const log = gateway.output();
    expect(log).toContain('deployment cooling down');
    expect(log).not.toContain(PROVIDER_KEY);
    expect(log).not.toContain(MASTER_KEY);
  });
});
