import { describe, expect, it } from 'vitest';
import { type GatewayError, UpstreamError } from '../../../src/core/errors.js';
import { AbortSwitch } from '../../../src/providers/abort-switch.js';
import { OllamaConfigSchema } from '../../../src/providers/ollama/config.js';
import { OllamaProvider } from '../../../src/providers/ollama/provider.js';
import { startRefusingServer } from '../../support/refusing-server.js';
import { type Any, call, drain, useOllamaHarness } from './harness.js';

const h = useOllamaHarness();

describe('OllamaProvider chat', () => {
  it('sends the mapped /api/chat body and returns a chat.completion', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    const req = call('chat.completions', {
      model: 'fast',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Sky colour?' },
      ],
      max_tokens: 64,
      temperature: 0.7,
      top_p: 0.95,
      top_k: 40,
      min_p: 0.05,
      seed: 42,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      repetition_penalty: 1.1,
      stop: ['\n\n'],
      response_format: { type: 'json_object' },
      keep_alive: '2m',
    });
    const res = await h.provider.handle(req);
    expect(h.lastBody()).toEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Sky colour?' },
      ],
      stream: false,
      format: 'json',
      keep_alive: '2m',
      options: {
        num_predict: 64,
        temperature: 0.7,
        top_p: 0.95,
        top_k: 40,
        min_p: 0.05,
        seed: 42,
        presence_penalty: 0.1,
        frequency_penalty: 0.2,
        repeat_penalty: 1.1,
        stop: ['\n\n'],
      },
    });
    const sent = h.fake.requests.at(-1)!;
    expect(sent.url).toBe('/api/chat');
    expect(sent.headers['x-request-id']).toBe('req_123');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(res.kind).toBe('json');
    const body = (res as { body: Any }).body;
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'fast',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'The sky is blue — ☀️.' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 6, total_tokens: 32 },
    });
    expect(body.choices[0].logprobs).toBeNull();
    expect(res.headers).toBeUndefined();
  });

  it('merges models[].params under the request', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    await h.provider.handle(
      call(
        'chat.completions',
        { messages: [{ role: 'user', content: 'x' }], temperature: 0 },
        { params: { options: { num_ctx: 8192, temperature: 0.9 }, keep_alive: -1, think: false } },
      ),
    );
    expect(h.lastBody()).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'x' }],
      stream: false,
      keep_alive: -1,
      think: false,
      options: { num_ctx: 8192, temperature: 0 },
    });
  });

  it('streams a byte-by-byte NDJSON transcript as chunks with a final usage chunk', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-text.ndjson', byteByByte: true });
    const req = call('chat.completions', {
      messages: [{ role: 'user', content: 'Sky colour?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await drain(await h.provider.handle(req));
    expect(h.lastBody()).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Sky colour?' }],
      stream: true,
    });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('The sky is blue — ☀️.');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 26, completion_tokens: 6, total_tokens: 32 },
    });
    expect(req.timing.waitMs).toBeGreaterThan(0);
  });

  it('returns parallel tool calls with string arguments, null content and finish_reason tool_calls', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-parallel-tools.json' });
    const res = await h.provider.handle(
      call('chat.completions', { messages: [{ role: 'user', content: 'w?' }] }),
    );
    const choice = (res as { body: Any }).body.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: 'call_k3x9a0qz',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      },
      {
        id: 'call_p2m7c4rt',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      },
    ]);
  });

  it('returns thinking as reasoning_content', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-thinking.json' });
    const res = await h.provider.handle(
      call('chat.completions', { messages: [{ role: 'user', content: '2+2?' }], reasoning_effort: 'low' }),
    );
    expect(h.lastBody().think).toBe('low');
    expect((res as { body: Any }).body.choices[0].message).toEqual({
      role: 'assistant',
      content: '4',
      refusal: null,
      reasoning_content: 'User wants 2+2.',
    });
  });

  it('turns a 404 {"error"} into a 404 UpstreamError with code model_not_found', async () => {
    h.fake.route('POST /api/chat', { status: 404, fixture: 'ollama/model-not-found.json' });
    const err = await h.provider
      .handle(call('chat.completions', { messages: [{ role: 'user', content: 'x' }], stream: true }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).toBody()).toEqual({
      error: {
        message: 'model "llama9" not found, try pulling it first',
        type: 'not_found_error',
        param: null,
        code: 'model_not_found',
      },
    });
    expect((err as UpstreamError).retryable).toBe(false);
  });

  it('keeps other upstream statuses: 503 (queue full) stays 503 and retryable', async () => {
    h.fake.route('POST /api/chat', {
      status: 503,
      json: { error: 'server busy, please try again.  maximum pending requests exceeded' },
    });
    const err = (await h.provider
      .handle(call('chat.completions', { messages: [{ role: 'user', content: 'x' }] }))
      .catch((e: unknown) => e)) as UpstreamError;
    expect([err.status, err.retryable]).toEqual([503, true]);
    expect(err.message).toMatch(/maximum pending requests/);
  });

  it('throws the error line of a stream from the chunk iterator after the earlier chunks', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-error-midstream.ndjson', byteByByte: true });
    const res = await h.provider.handle(
      call('chat.completions', { messages: [{ role: 'user', content: 'x' }], stream: true }),
    );
    const seen: Any[] = [];
    const err = await (async () => {
      if (res.kind !== 'chunks') throw new Error('expected chunks');
      for await (const c of res.chunks) seen.push(c);
    })().catch((e: unknown) => e);
    expect(seen.map((c) => c.choices[0].delta.content)).toEqual(['Par', 'tial']);
    expect((err as GatewayError).toBody().error.message).toBe(
      'an error was encountered while running the model: unexpected EOF',
    );
  });

  it('stops the upstream stream when the consumer stops early (client disconnect)', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-text.ndjson', lineDelayMs: 300 });
    const abort = new AbortSwitch();
    const res = await h.provider.handle(
      call('chat.completions', { messages: [{ role: 'user', content: 'x' }], stream: true }, {}, abort),
    );
    if (res.kind !== 'chunks') throw new Error('expected chunks');
    const it = res.chunks[Symbol.asyncIterator]();
    expect(((await it.next()).value as Any).choices[0].delta.content).toBe('The');
    expect(h.fake.openResponses()).toBe(1);
    abort.abort();
    await it.return?.();
    await expect.poll(() => h.fake.openResponses(), { timeout: 2000 }).toBe(0);
  });

  it('reports an unreachable server as 502 upstream_connection_error', async () => {
    const refusing = await startRefusingServer();
    const dead = new OllamaProvider(
      'dead',
      OllamaConfigSchema.parse({ type: 'ollama', base_url: refusing.url }),
    );
    const err = (await dead
      .handle(call('chat.completions', { messages: [{ role: 'user', content: 'x' }] }))
      .catch((e: unknown) => e)) as UpstreamError;
    await dead.close();
    await refusing.close();
    expect([err.status, err.code, err.retryable]).toEqual([502, 'upstream_connection_error', true]);
    expect(refusing.connections()).toBeGreaterThanOrEqual(1);
  });
});

describe('OllamaProvider completions and embeddings', () => {
  it('maps /v1/completions to raw /api/generate and back', async () => {
    h.fake.route('POST /api/generate', { fixture: 'ollama/generate-text.json' });
    const res = await h.provider.handle(
      call('completions', { model: 'm', prompt: 'Why is the sky', max_tokens: 5 }),
    );
    expect(h.lastBody()).toEqual({
      model: 'llama3.2',
      prompt: 'Why is the sky',
      stream: false,
      raw: true,
      options: { num_predict: 5 },
    });
    expect((res as { body: Any }).body).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, text: 'The sky', finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 26, completion_tokens: 42, total_tokens: 68 },
    });
  });

  it('streams /api/generate with suffix (templated, not raw)', async () => {
    h.fake.route('POST /api/generate', { fixture: 'ollama/generate-text.ndjson', byteByByte: true });
    const chunks = await drain(
      await h.provider.handle(call('completions', { prompt: 'def f():', suffix: '\nf()', stream: true })),
    );
    expect(h.lastBody()).toEqual({
      model: 'llama3.2',
      prompt: 'def f():',
      suffix: '\nf()',
      raw: false,
      stream: true,
    });
    expect(chunks.map((c) => c.choices[0].text).join('')).toBe('The sky');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('returns float embeddings, and base64 little-endian float32 when asked', async () => {
    h.fake.route('POST /api/embed', { fixture: 'ollama/embed.json' });
    const floats = await h.provider.handle(call('embeddings', { model: 'embedder', input: ['a', 'b'] }));
    expect(h.lastBody()).toEqual({ model: 'llama3.2', input: ['a', 'b'] });
    expect((floats as { body: Any }).body).toEqual({
      object: 'list',
      model: 'embedder',
      data: [
        { object: 'embedding', index: 0, embedding: [0.0101, -0.0018, 0.0501] },
        { object: 'embedding', index: 1, embedding: [1, -2, 0.5] },
      ],
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    const b64 = await h.provider.handle(call('embeddings', { input: ['a', 'b'], encoding_format: 'base64' }));
    const data = (b64 as { body: Any }).body.data;
    expect(data[1].embedding).toBe('AACAPwAAAMAAAAA/');
    const decoded = new Float32Array(new Uint8Array(Buffer.from(data[0].embedding, 'base64')).buffer);
    expect([...decoded].map((v) => Number(v.toFixed(4)))).toEqual([0.0101, -0.0018, 0.0501]);
  });
});
