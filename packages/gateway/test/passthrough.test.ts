import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';

const CHAT_RESPONSE = {
  id: 'chatcmpl-up',
  object: 'chat.completion',
  created: 1,
  model: 'upstream/model-a',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop', logprobs: null },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

const STREAM_LINES = [0, 1, 2, 3, 4].map(
  (i) =>
    `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"upstream/model-a","choices":[{"index":0,"delta":{"content":"t${i}"},"finish_reason":null}]}\n\n`,
);

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [{ id: 'upstream/model-a', object: 'model' }] } },
    'POST /v1/chat/completions': (req) => {
      const body = req.json as { stream?: boolean; messages: { content: string }[] };
      if (!body.stream) return { json: CHAT_RESPONSE };
      // A long, slow stream for the client-disconnect test; every other test gets the short one.
      if (body.messages[0]?.content === 'long') {
        return {
          headers: { 'content-type': 'text/event-stream' },
          text: STREAM_LINES.join('').repeat(40),
          lineDelayMs: 100,
        };
      }
      return {
        headers: { 'content-type': 'text/event-stream' },
        text: STREAM_LINES.join('') + 'data: [DONE]\n\n',
        lineDelayMs: 50,
      };
    },
    'POST /v1/completions': { json: { id: 'cmpl-up', object: 'text_completion', choices: [] } },
  });
  gateway = await startGatewayProcess({
    providers: {
      gpu: {
        type: 'vllm',
        base_url: `${upstream.url}/v1`,
        api_key: 'provider-secret',
        headers: { 'x-extra': 'from-config' },
      },
    },
    models: [{ id: 'fast-chat', deployments: [{ provider: 'gpu', model: 'upstream/model-a' }] }],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-secret', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const lastChatRequest = () => upstream.requests.filter((r) => r.url === '/v1/chat/completions').at(-1)!;

describe('OpenAI-compatible passthrough', () => {
  it('forwards unknown fields untouched, replaces only the model, invents no defaults', async () => {
    const body = {
      model: 'fast-chat',
      messages: [{ role: 'user' as const, content: 'Hello' }],
      guided_choice: ['yes', 'no'],
      prompt_logprobs: 2,
      top_k: 50,
      chat_template_kwargs: { enable_thinking: false },
    };
    const res = await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(res).toEqual(CHAT_RESPONSE);
    expect(lastChatRequest().json).toEqual({ ...body, model: 'upstream/model-a' });
  });

  it('sends the provider key and configured headers, never the client key', async () => {
    await client.chat.completions.create({ model: 'fast-chat', messages: [{ role: 'user', content: 'x' }] });
    const { headers } = lastChatRequest();
    expect(headers.authorization).toBe('Bearer provider-secret');
    expect(headers['x-extra']).toBe('from-config');
    expect(JSON.stringify(headers)).not.toContain('client-secret');
    expect(headers['x-request-id']).toMatch(/^req_/);
  });

  it('forwards the original bytes when the model name is unchanged', async () => {
    const raw =
      '{ "model" : "upstream/model-a",\n  "messages": [{"role":"user","content":"é"}], "seed": 12345678901 }';
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(res.status).toBe(200);
    expect(lastChatRequest().body.toString('utf8')).toBe(raw);
  });

  it('also serves the Llama Stack path /v1/openai/v1', async () => {
    const stack = new OpenAI({ baseURL: `${gateway.url}/v1/openai/v1`, apiKey: 'k', maxRetries: 0 });
    const models = await stack.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['fast-chat', 'upstream/model-a']);
    expect(models.data[0]!.owned_by).toBe('gpu');
    const res = await stack.completions.create({ model: 'fast-chat', prompt: 'p' });
    expect(res.id).toBe('cmpl-up');
  });

  it('streams chunks as they arrive, before the upstream has finished', async () => {
    const stream = await client.chat.completions.create({
      model: 'fast-chat',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const texts: string[] = [];
    let upstreamOpenAtFirstChunk = -1;
    for await (const chunk of stream) {
      if (texts.length === 0) upstreamOpenAtFirstChunk = upstream.openResponses();
      texts.push(chunk.choices[0]!.delta.content ?? '');
    }
    expect(texts).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(upstreamOpenAtFirstChunk).toBe(1);
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'fast-chat', messages: [{ role: 'user', content: 'long' }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    try {
      for await (const _ of stream) {
        received++;
        if (received === 2) controller.abort();
      }
    } catch (err) {
      expect((err as Error).name).toMatch(/Abort/);
    }
    expect(received).toBe(2);
    expect(upstream.openResponses()).toBe(1);
    const deadline = Date.now() + 5000;
    while (upstream.openResponses() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(upstream.openResponses()).toBe(0);
  });
});
