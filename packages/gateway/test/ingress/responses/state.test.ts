/**
 * End to end: stored responses with the unmodified `openai` SDK against a real gateway process whose provider is a
 * chat-only OpenAI-compatible upstream (the fake upstream, recording what it receives and answering with the
 * hand-written `anthropic-ingress/openai-text.json`). A three-turn `previous_response_id` conversation survives a
 * gateway restart (the SQLite store file outlives the process), and the upstream receives the rebuilt
 * conversation; `retrieve` (also as a replayed stream), `inputItems.list`, `delete`, input token counting,
 * background responses and their cancellation, 404s and a store that is down.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

const ANSWER = 'It is 14°C in Oslo.';

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;
const dir = mkdtempSync(join(tmpdir(), 'switchyard-responses-state-'));

function config(store: object) {
  return {
    server: { log_level: 'silent' },
    providers: { up: { type: 'vllm', base_url: `${upstream.url}/v1`, discover: false } },
    models: [
      { id: 'chat', max_retries: 0, deployments: [{ provider: 'up', model: 'upstream-chat' }] },
      { id: 'slow', max_retries: 0, deployments: [{ provider: 'up', model: 'upstream-slow' }] },
    ],
    store,
  };
}

async function start(): Promise<void> {
  gateway = await startGatewayProcess(config({ url: `sqlite://${join(dir, 'state.db')}` }));
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': (req) =>
      (req.json as Any).model === 'upstream-slow'
        ? { fixture: 'anthropic-ingress/openai-text.json', delayMs: 3_000 }
        : { fixture: 'anthropic-ingress/openai-text.json' },
    'POST /tokenize': { json: { count: 17, max_model_len: 4096, tokens: [] } },
  });
  await start();
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('stored responses', () => {
  it('rebuilds a three-turn previous_response_id conversation across a gateway restart', async () => {
    const first = await client.responses.create({
      model: 'chat',
      instructions: 'Be brief.',
      input: 'Weather in Oslo?',
    });
    const second = await client.responses.create({
      model: 'chat',
      previous_response_id: first.id,
      input: [{ role: 'user', content: 'And tomorrow?' }],
    });
    await gateway.stop();
    await start();
    const third = await client.responses.create({
      model: 'chat',
      previous_response_id: second.id,
      input: 'Thanks!',
    });
    expect(third.previous_response_id).toBe(second.id);
    expect((upstream.requests.at(-1)!.json as Any).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: 'And tomorrow?' },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: [{ type: 'text', text: 'Thanks!' }] },
    ]);
    const retrieved = await client.responses.retrieve(first.id);
    expect(retrieved.output_text).toBe(ANSWER);
    expect(retrieved.id).toBe(first.id);
  });

  it('replays a stored response as its event stream', async () => {
    const created = await client.responses.create({ model: 'chat', input: 'Hi' });
    const stream = await client.responses.retrieve(created.id, { stream: true });
    const types: string[] = [];
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') final = event.response;
    }
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(final?.output).toEqual(created.output);
  });

  it('lists input items in pages, newest first by default', async () => {
    const created = await client.responses.create({
      model: 'chat',
      input: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'user', content: 'three' },
      ],
    });
    const page = await client.responses.inputItems.list(created.id, { limit: 2 });
    expect(page.data.map((item) => (item as Any).content)).toEqual(['three', 'two']);
    expect(page.has_more).toBe(true);
    const rest = await client.responses.inputItems.list(created.id, { limit: 2, after: page.data[1]!.id! });
    expect(rest.data.map((item) => (item as Any).content)).toEqual(['one']);
    expect(rest.has_more).toBe(false);
    const asc = await client.responses.inputItems.list(created.id, { order: 'asc' });
    expect(asc.data.map((item) => (item as Any).content)).toEqual(['one', 'two', 'three']);
  });

  it('deletes a response; then retrieve, input_items and previous_response_id are 404 in OpenAI’s envelope', async () => {
    const created = await client.responses.create({ model: 'chat', input: 'Hi' });
    await client.responses.delete(created.id);
    for (const call of [
      () => client.responses.retrieve(created.id),
      () => client.responses.inputItems.list(created.id),
      () => client.responses.delete(created.id),
      () => client.responses.create({ model: 'chat', input: 'x', previous_response_id: created.id }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as Error).message).toContain(`Response with id '${created.id}' not found.`);
    }
  });

  it('refuses conversation, alone or with previous_response_id, with a 400 naming it', async () => {
    const created = await client.responses.create({ model: 'chat', input: 'Hi' });
    for (const extra of [{ previous_response_id: created.id }, {}]) {
      const err = await client.responses
        .create({ model: 'chat', input: 'x', conversation: 'conv_1', ...extra })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('conversation');
    }
  });

  it('does not keep a response created with store: false', async () => {
    const created = await client.responses.create({ model: 'chat', input: 'Hi', store: false });
    await expect(client.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('counts input tokens through the provider’s tokenizer, over the rebuilt conversation', async () => {
    const created = await client.responses.create({ model: 'chat', input: 'Hi' });
    const counted = await client.responses.inputTokens.count({
      model: 'chat',
      previous_response_id: created.id,
      input: 'More?',
    });
    expect(counted).toEqual({ object: 'response.input_tokens', input_tokens: 17 });
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/tokenize');
    expect((sent.json as Any).messages).toHaveLength(3);
  });

  it('answers a background response at once as queued, completes it, and cancels one still running', async () => {
    const queued = await client.responses.create({ model: 'chat', input: 'Hi', background: true });
    expect(queued.status).toBe('queued');
    let done = await client.responses.retrieve(queued.id);
    for (let i = 0; i < 50 && done.status === 'queued'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      done = await client.responses.retrieve(queued.id);
    }
    expect(done.status).toBe('completed');
    expect(done.output_text).toBe(ANSWER);
    expect((await client.responses.cancel(queued.id)).status).toBe('completed');

    const slow = await client.responses.create({ model: 'slow', input: 'Hi', background: true });
    const cancelled = await client.responses.cancel(slow.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await client.responses.retrieve(slow.id)).status).toBe('cancelled');

    const foreground = await client.responses.create({ model: 'chat', input: 'Hi' });
    await expect(client.responses.cancel(foreground.id)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('a store that is down', () => {
  it('answers 503 for requests that need it and serves store: false', async () => {
    const down = await startGatewayProcess(config({ url: 'postgres://nobody@127.0.0.1:1/none' }));
    try {
      const sdk = new OpenAI({ baseURL: `${down.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      for (const call of [
        () => sdk.responses.create({ model: 'chat', input: 'Hi' }),
        () => sdk.responses.retrieve('resp_1'),
      ]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OpenAI.APIError);
        expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
        expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('store_unavailable');
      }
      const served = await sdk.responses.create({ model: 'chat', input: 'Hi', store: false });
      expect(served.output_text).toBe(ANSWER);
    } finally {
      await down.stop();
    }
  });
});
