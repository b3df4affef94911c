/**
 * End to end through a real `switchyard serve` process: the `switchyard` platform (and the `vllm` platform on
 * the gateway's OpenAI routes) against a gateway whose deployment is a fake vLLM upstream. Proves request
 * bodies with vLLM extras pass through, SSE streams arrive as SDK chunks, and gateway errors map to the SDK's
 * classes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../gateway/test/support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../gateway/test/support/gateway-process.js';
import {
  AuthenticationError,
  BadRequestError,
  ModelNotFoundError,
  OpenAICompatibleClient,
  UnsupportedPlatformError,
} from '../src/index.js';

const chunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'upstream/a', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAICompatibleClient<'switchyard'>;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [{ id: 'upstream/a', object: 'model' }] } },
    'POST /v1/chat/completions': (req) =>
      (req.json as { stream?: boolean }).stream
        ? {
            headers: { 'content-type': 'text/event-stream' },
            text: `${chunk({ role: 'assistant', content: '' }, null)}${chunk({ content: 'Hel' }, null)}${chunk({ content: 'lo' }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`,
            byteByByte: true,
          }
        : {
            json: {
              id: 'chatcmpl-1',
              object: 'chat.completion',
              created: 1,
              model: 'upstream/a',
              choices: [
                { index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' },
              ],
              usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
            },
          },
  });
  gateway = await startGatewayProcess({
    server: { api_keys: ['sy-key'] },
    providers: { gpu: { type: 'vllm', base_url: `${upstream.url}/v1` } },
    models: [{ id: 'fast-chat', deployments: [{ provider: 'gpu', model: 'upstream/a' }] }],
  });
  client = new OpenAICompatibleClient({
    baseURL: gateway.url,
    apiKey: 'sy-key',
    platform: 'switchyard',
    maxRetries: 0,
  });
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
  await upstream?.close();
});

describe('switchyard platform through a gateway process', () => {
  it('chat completion with vLLM extras forwarded to the deployment', async () => {
    const r = await client.chat.completions.create({
      model: 'fast-chat',
      messages: [{ role: 'user', content: 'Hi' }],
      top_k: 5,
      repetition_penalty: 1.1,
    });
    expect(r.choices[0]!.message.content).toBe('Hello');
    expect(r._request_id).toMatch(/^req_/);
    const sent = upstream.requests.filter((q) => q.url === '/v1/chat/completions').at(-1)!;
    expect(sent.json).toMatchObject({ model: 'upstream/a', top_k: 5, repetition_penalty: 1.1 });
  });

  it('streams SSE chunks split at arbitrary byte boundaries', async () => {
    const stream = await client.chat.completions.create({
      model: 'fast-chat',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    let finish: string | null = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe('Hello');
    expect(finish).toBe('stop');
  });

  it('lists and retrieves models; an unknown model is a ModelNotFoundError', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain('fast-chat');
    expect((await client.models.retrieve('fast-chat')).id).toBe('fast-chat');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(ModelNotFoundError);
    const e = await client.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ModelNotFoundError);
  });

  it('a request the gateway rejects is a BadRequestError naming the field', async () => {
    const e = await client.chat.completions
      .create({ model: 'fast-chat', messages: 'hi' as never })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(BadRequestError);
    expect((e as BadRequestError).message).toContain('messages');
  });

  it('a wrong API key is an AuthenticationError; health needs none', async () => {
    const wrong = new OpenAICompatibleClient({
      baseURL: gateway.url,
      apiKey: 'bad',
      platform: 'switchyard',
      maxRetries: 0,
    });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(AuthenticationError);
    expect(await wrong.health()).toBe(true);
    await wrong.close();
  });

  it('responses.create goes through the gateway unchanged (its Responses ingress)', async () => {
    const response = await client.responses.create({ model: 'fast-chat', input: 'Hi' });
    expect(response.output_text).toBe('Hello');
    expect(upstream.requests.filter((q) => q.url === '/v1/chat/completions').at(-1)!.json).toMatchObject({
      model: 'upstream/a',
    });
  });

  it("echoes the caller's requestId as X-Request-Id, on streams too (SDK _request_id / APIError.requestID)", async () => {
    const body = { model: 'fast-chat', messages: [{ role: 'user' as const, content: 'Hi' }] };
    const r = await client.chat.completions.create(body, { requestId: 'trace-42' });
    expect(r._request_id).toBe('trace-42');
    const { data, response } = await client.chat.completions
      .create({ ...body, stream: true }, { requestId: 'trace-43' })
      .withResponse();
    data.abort();
    expect(response.headers.get('x-request-id')).toBe('trace-43');
    const error = await client.chat.completions
      .create({ ...body, model: 'nope' }, { requestId: 'trace-44' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, requestID: 'trace-44' });
  });

  it('a stream can be aborted: the iteration ends without an error', async () => {
    const stream = await client.chat.completions.create({
      model: 'fast-chat',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const seen: unknown[] = [];
    for await (const chunk of stream) {
      seen.push(chunk);
      stream.abort();
    }
    expect(seen).toHaveLength(1);
    expect(stream.controller.signal.aborted).toBe(true);
  });

  it("version() and healthProviders() read the gateway's own routes at its root", async () => {
    const version = await client.version();
    expect(version.server).toBe('switchyard');
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
    const { providers } = await client.healthProviders();
    expect(providers).toEqual([expect.objectContaining({ id: 'gpu', type: 'vllm', reachable: true })]);
  });

  it('Ollama-only methods are refused client-side', async () => {
    const untyped = client as unknown as OpenAICompatibleClient<'ollama'>;
    await expect(untyped.models.running()).rejects.toBeInstanceOf(UnsupportedPlatformError);
  });
});

describe('vllm platform on the gateway OpenAI routes', () => {
  it('chat completion with the configured chat template sent along', async () => {
    const vllm = new OpenAICompatibleClient({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sy-key',
      platform: 'vllm',
      vllm: { chatTemplate: '{% for m in messages %}{{ m.content }}{% endfor %}' },
    });
    const r = await vllm.chat.completions.create({
      model: 'fast-chat',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    await vllm.close();
    expect(r.choices[0]!.message.content).toBe('Hello');
    expect(r._request_id).toMatch(/^req_/);
    const sent = upstream.requests.filter((q) => q.url === '/v1/chat/completions').at(-1)!;
    expect(sent.json).toMatchObject({ chat_template: '{% for m in messages %}{{ m.content }}{% endfor %}' });
  });

  it("sends structured outputs and parallel_tool_calls unchanged: the gateway's version is not vLLM's", async () => {
    const vllm = new OpenAICompatibleClient({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sy-key',
      platform: 'vllm',
    });
    await vllm.chat.completions.create({
      model: 'fast-chat',
      messages: [{ role: 'user', content: 'Hi' }],
      structured_outputs: { choice: ['yes', 'no'] },
      parallel_tool_calls: false,
    });
    await vllm.close();
    const sent = upstream.requests.filter((q) => q.url === '/v1/chat/completions').at(-1)!;
    expect(sent.json).toMatchObject({
      structured_outputs: { choice: ['yes', 'no'] },
      parallel_tool_calls: false,
    });
    expect(sent.json).not.toHaveProperty('guided_choice');
  });
});
