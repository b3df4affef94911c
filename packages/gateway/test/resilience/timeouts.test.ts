/**
 * Timeouts end to end (real gateway process, `openai` SDK): first byte, idle between chunks and total,
 * set per provider and overridden per model; a hung upstream gives 504 before streaming and a final SSE
 * error event after.
 */
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK, OK_STREAM } from '../support/fault-script.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { until } from '../support/until.js';

const script = new FaultScript();
let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;
const messages = [{ role: 'user' as const, content: 'hi' }];

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': script.handler,
    'GET /v1/models': { json: { object: 'list', data: [] } },
  });
  const provider = (timeouts: Record<string, string>) => ({
    type: 'openai-compatible',
    base_url: `${upstream.url}/v1`,
    discover: false,
    timeouts,
  });
  const on = (id: string, p: string, extra: Record<string, unknown> = {}) => ({
    id,
    deployments: [{ provider: p, model: id }],
    max_retries: 1,
    failure_threshold: 10,
    ...extra,
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: {
      strict: provider({ first_byte: '300ms', idle: '300ms' }),
      patient: provider({ first_byte: '30s', idle: '30s' }),
    },
    models: [
      on('hang', 'strict'),
      on('hang-override', 'patient', { timeouts: { first_byte: '200ms' } }),
      on('stall-mid-stream', 'strict'),
      on('drip', 'strict'),
      on('headers-then-silence', 'strict'),
      on('total', 'patient', { timeouts: { total: '500ms' } }),
      on('total-stream', 'patient', { timeouts: { total: '500ms' } }),
    ],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

async function caught(run: () => Promise<unknown>): Promise<APIError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof APIError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

async function collect(modelId: string): Promise<string> {
  let text = '';
  const stream = await client.chat.completions.create({ model: modelId, messages, stream: true });
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('timeouts', () => {
  it('answers 504 when the upstream sends no headers within first_byte (after retrying)', async () => {
    script.set('hang', { hang: true });
    const err = await caught(() => client.chat.completions.create({ model: 'hang', messages }));
    expect(err.status).toBe(504);
    expect(err.code).toBe('upstream_timeout');
    expect(err.message).toContain('sent nothing within 300 ms (timeouts.first_byte)');
    expect(err.headers?.get('x-switchyard-attempts')).toBe('2');
    expect(script.arrivalsOf('hang')).toHaveLength(2);
    await until(() => upstream.openResponses() === 0, 'the gateway to drop the hung upstream requests');
  });

  it("applies a model's timeouts over its provider's", async () => {
    script.set('hang-override', { hang: true });
    const err = await caught(() => client.chat.completions.create({ model: 'hang-override', messages }));
    expect(err.status).toBe(504);
    expect(err.message).toContain('200 ms (timeouts.first_byte)');
  });

  it('retries a stream whose upstream sent headers but no event before first_byte', async () => {
    script.set('headers-then-silence', { fixture: 'openai/chat-text.sse', stallAfterLines: 0 }, OK);
    expect(await collect('headers-then-silence')).toBe('Hello');
    expect(script.arrivalsOf('headers-then-silence')).toHaveLength(2);
  });

  it('ends a stream that stalls mid-way with a final SSE error event (idle)', async () => {
    script.set('stall-mid-stream', { fixture: 'openai/chat-text.sse', stallAfterLines: 4 });
    let text = '';
    const err = await caught(async () => {
      const stream = await client.chat.completions.create({
        model: 'stall-mid-stream',
        messages,
        stream: true,
      });
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    });
    expect(text).toBe('Hel');
    expect(err.message).toContain('stalled: no data for 300 ms');
    expect(script.arrivalsOf('stall-mid-stream')).toHaveLength(1);
    await until(() => upstream.openResponses() === 0, 'the stalled upstream stream to be closed');
  });

  it('lets a slow drip through when every gap is under the idle limit', async () => {
    script.set('drip', { ...OK_STREAM, lineDelayMs: 100 });
    expect(await collect('drip')).toBe('Hello');
  });

  it('stops at the total limit without retrying past it', async () => {
    script.set('total', { hang: true });
    const err = await caught(() => client.chat.completions.create({ model: 'total', messages }));
    expect(err.status).toBe(504);
    expect(err.code).toBe('upstream_timeout');
    expect(err.message).toContain('total time limit (timeouts.total)');
    expect(script.arrivalsOf('total')).toHaveLength(1);
  });

  it('ends a stream that outlives the total limit with a final error event', async () => {
    script.set('total-stream', { ...OK_STREAM, lineDelayMs: 150 });
    const err = await caught(() => collect('total-stream'));
    expect(err.message).toContain('total time limit');
  });
});
