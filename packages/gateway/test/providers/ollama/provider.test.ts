import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { GatewayError, UpstreamError } from '../../../src/http/errors.js';
import { OLLAMA_CAPABILITIES, UNSUPPORTED_FIELDS } from '../../../src/providers/ollama/capabilities.js';
import { OllamaConfigSchema } from '../../../src/providers/ollama/config.js';
import { OllamaProvider } from '../../../src/providers/ollama/provider.js';
import type {
  Endpoint,
  ModelOptions,
  ProviderRequest,
  ProviderResponse,
} from '../../../src/providers/provider.js';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js';

// biome-ignore lint/suspicious/noExplicitAny: response assertions read nested fields freely
type Any = any;

let fake: FakeUpstream;
let provider: OllamaProvider;

function makeProvider(extra: Record<string, unknown> = {}): OllamaProvider {
  return new OllamaProvider(
    'local-ollama',
    OllamaConfigSchema.parse({ type: 'ollama', base_url: fake.url, ...extra }),
  );
}

function call(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  options: ModelOptions = {},
  signal = new AbortController().signal,
): ProviderRequest {
  return {
    endpoint,
    body,
    clientModel: String(body.model),
    model: 'llama3.2',
    stream: body.stream === true,
    signal,
    requestId: 'req_123',
    options,
    timing: { waitMs: 0 },
  };
}

async function drain(res: ProviderResponse): Promise<Any[]> {
  if (res.kind !== 'chunks') throw new Error(`expected chunks, got ${res.kind}`);
  const out: Any[] = [];
  for await (const c of res.chunks) out.push(c);
  return out;
}

function lastBody(): Any {
  return fake.requests.at(-1)?.json;
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  provider = makeProvider();
});
afterAll(async () => {
  await provider.close();
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
});

describe('OllamaProvider chat', () => {
  it('sends the mapped /api/chat body and returns a chat.completion', async () => {
    fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
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
    const res = await provider.handle(req);
    expect(lastBody()).toEqual({
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
    const sent = fake.requests.at(-1)!;
    expect(sent.url).toBe('/api/chat');
    expect(sent.headers['x-request-id']).toBe('req_123');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(res.kind).toBe('json');
    const body = (res as { body: Any }).body;
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'llama3.2',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'The sky is blue — ☀️.' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 6, total_tokens: 32 },
    });
    expect(body.choices[0].logprobs).toBeNull();
    expect(res.headers).toBeUndefined();
  });

  it('merges models[].params under the request', async () => {
    fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    await provider.handle(
      call(
        'chat.completions',
        { messages: [{ role: 'user', content: 'x' }], temperature: 0 },
        { params: { options: { num_ctx: 8192, temperature: 0.9 }, keep_alive: -1, think: false } },
      ),
    );
    expect(lastBody()).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'x' }],
      stream: false,
      keep_alive: -1,
      think: false,
      options: { num_ctx: 8192, temperature: 0 },
    });
  });

  it('streams a byte-by-byte NDJSON transcript as chunks with a final usage chunk', async () => {
    fake.route('POST /api/chat', { fixture: 'ollama/chat-text.ndjson', byteByByte: true });
    const req = call('chat.completions', {
      messages: [{ role: 'user', content: 'Sky colour?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await drain(await provider.handle(req));
    expect(lastBody()).toEqual({
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
    fake.route('POST /api/chat', { fixture: 'ollama/chat-parallel-tools.json' });
    const res = await provider.handle(
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
    fake.route('POST /api/chat', { fixture: 'ollama/chat-thinking.json' });
    const res = await provider.handle(
      call('chat.completions', { messages: [{ role: 'user', content: '2+2?' }], reasoning_effort: 'low' }),
    );
    expect(lastBody().think).toBe('low');
    expect((res as { body: Any }).body.choices[0].message).toEqual({
      role: 'assistant',
      content: '4',
      refusal: null,
      reasoning_content: 'User wants 2+2.',
    });
  });

  it('turns a 404 {"error"} into a 404 UpstreamError with code model_not_found', async () => {
    fake.route('POST /api/chat', { status: 404, fixture: 'ollama/model-not-found.json' });
    const err = await provider
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
    fake.route('POST /api/chat', {
      status: 503,
      json: { error: 'server busy, please try again.  maximum pending requests exceeded' },
    });
    const err = (await provider
      .handle(call('chat.completions', { messages: [{ role: 'user', content: 'x' }] }))
      .catch((e: unknown) => e)) as UpstreamError;
    expect([err.status, err.retryable]).toEqual([503, true]);
    expect(err.message).toMatch(/maximum pending requests/);
  });

  it('throws the error line of a stream from the chunk iterator after the earlier chunks', async () => {
    fake.route('POST /api/chat', { fixture: 'ollama/chat-error-midstream.ndjson', byteByByte: true });
    const res = await provider.handle(
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
    fake.route('POST /api/chat', { fixture: 'ollama/chat-text.ndjson', lineDelayMs: 300 });
    const abort = new AbortController();
    const res = await provider.handle(
      call(
        'chat.completions',
        { messages: [{ role: 'user', content: 'x' }], stream: true },
        {},
        abort.signal,
      ),
    );
    if (res.kind !== 'chunks') throw new Error('expected chunks');
    const it = res.chunks[Symbol.asyncIterator]();
    expect(((await it.next()).value as Any).choices[0].delta.content).toBe('The');
    expect(fake.openResponses()).toBe(1);
    abort.abort();
    await it.return?.();
    await expect.poll(() => fake.openResponses(), { timeout: 2000 }).toBe(0);
  });

  it('reports an unreachable server as 502 upstream_unreachable', async () => {
    const closed = await startFakeUpstream();
    await closed.close();
    const dead = new OllamaProvider(
      'dead',
      OllamaConfigSchema.parse({ type: 'ollama', base_url: closed.url }),
    );
    const err = (await dead
      .handle(call('chat.completions', { messages: [{ role: 'user', content: 'x' }] }))
      .catch((e: unknown) => e)) as UpstreamError;
    await dead.close();
    expect([err.status, err.code, err.retryable]).toEqual([502, 'upstream_unreachable', true]);
  });
});

describe('OllamaProvider unsupported parameters', () => {
  /** A value of each unsupported field that Ollama cannot honour. */
  const BAD_VALUES: Record<string, unknown> = {
    n: 2,
    best_of: 3,
    echo: true,
    logit_bias: { '50256': -100 },
    tool_choice: 'required',
    parallel_tool_calls: false,
    modalities: ['text', 'audio'],
    store: true,
  };
  const BASE: Record<string, Record<string, unknown>> = {
    'chat.completions': { messages: [{ role: 'user', content: 'x' }] },
    completions: { prompt: 'x' },
    embeddings: { input: 'x' },
  };

  it('answers 400 naming each field of the capability table, before anything is sent upstream', async () => {
    for (const rule of UNSUPPORTED_FIELDS) {
      for (const endpoint of rule.endpoints) {
        const body = { ...BASE[endpoint], [rule.field]: BAD_VALUES[rule.field] ?? 'x' };
        const err = (await provider.handle(call(endpoint, body)).catch((e: unknown) => e)) as GatewayError;
        expect(err, `${endpoint} ${rule.field}`).toBeInstanceOf(GatewayError);
        expect([err.status, err.param, err.code]).toEqual([400, rule.field, 'unsupported_parameter']);
      }
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts the values Ollama already behaves like (n: 1, tool_choice auto, parallel_tool_calls true, echo false)', async () => {
    fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    const res = await provider.handle(
      call('chat.completions', {
        messages: [{ role: 'user', content: 'x' }],
        n: 1,
        tool_choice: 'auto',
        parallel_tool_calls: true,
        logit_bias: {},
        store: false,
      }),
    );
    expect(res.kind).toBe('json');
  });

  it('drops them with drop_unsupported_params on the model, listing them in x-switchyard-dropped-params', async () => {
    fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    const res = await provider.handle(
      call(
        'chat.completions',
        { messages: [{ role: 'user', content: 'x' }], n: 2, user: 'u-1', tool_choice: 'required', tools: [] },
        { drop_unsupported_params: true },
      ),
    );
    expect(res.headers).toEqual({ 'x-switchyard-dropped-params': 'n,tool_choice,user' });
    expect(lastBody()).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'x' }],
      stream: false,
      tools: [],
    });
  });

  it('drops them with drop_unsupported_params on the provider; the model setting overrides it', async () => {
    fake.route('POST /api/embed', { fixture: 'ollama/embed.json' });
    const lenient = makeProvider({ drop_unsupported_params: true });
    const res = await lenient.handle(call('embeddings', { input: 'x', user: 'u' }));
    expect(res.headers).toEqual({ 'x-switchyard-dropped-params': 'user' });
    const strict = await lenient
      .handle(call('embeddings', { input: 'x', user: 'u' }, { drop_unsupported_params: false }))
      .catch((e: unknown) => e);
    expect((strict as GatewayError).param).toBe('user');
    await lenient.close();
  });

  it('describes every table entry in OLLAMA_CAPABILITIES.unsupported', () => {
    for (const rule of UNSUPPORTED_FIELDS) {
      expect(OLLAMA_CAPABILITIES.unsupported.some((line) => line.startsWith(`${rule.field} `))).toBe(true);
    }
    expect(OLLAMA_CAPABILITIES.translated).toContain('repetition_penalty → options.repeat_penalty');
  });

  it('rejects endpoints Ollama has no equivalent for', async () => {
    const err = (await provider
      .handle(call('tokenize', { prompt: 'x' }))
      .catch((e: unknown) => e)) as GatewayError;
    expect([err.status, err.code]).toEqual([400, 'unsupported_endpoint']);
  });
});

describe('OllamaProvider version-gated fields', () => {
  it('rejects logprobs on servers older than 0.12.11 (they would ignore it) and passes it on newer ones', async () => {
    fake.route('GET /api/version', { fixture: 'ollama/version.json' });
    const old = makeProvider();
    const err = (await old
      .handle(call('chat.completions', { messages: [{ role: 'user', content: 'x' }], logprobs: true }))
      .catch((e: unknown) => e)) as GatewayError;
    expect([err.status, err.param]).toEqual([400, 'logprobs']);
    await old.close();

    fake.route('GET /api/version', { json: { version: '0.33.0-rc2' } });
    fake.route('POST /api/chat', {
      json: {
        model: 'llama3.2',
        created_at: '2025-07-07T20:22:19.1Z',
        message: { role: 'assistant', content: 'Hi' },
        logprobs: [{ token: 'Hi', logprob: -0.1, top_logprobs: [{ token: 'Hi', logprob: -0.1 }] }],
        done: true,
        done_reason: 'stop',
        eval_count: 1,
      },
    });
    const current = makeProvider();
    const res = await current.handle(
      call('chat.completions', {
        messages: [{ role: 'user', content: 'x' }],
        logprobs: true,
        top_logprobs: 1,
      }),
    );
    await current.close();
    expect(lastBody()).toMatchObject({ logprobs: true, top_logprobs: 1 });
    expect((res as { body: Any }).body.choices[0].logprobs).toEqual({
      content: [
        {
          token: 'Hi',
          logprob: -0.1,
          bytes: [72, 105],
          top_logprobs: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105] }],
        },
      ],
      refusal: null,
    });
  });

  it('does not ask for the version when no gated field is used', async () => {
    fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    await provider.handle(
      call('chat.completions', { messages: [{ role: 'user', content: 'x' }], logprobs: false }),
    );
    expect(fake.requests.map((r) => r.url)).toEqual(['/api/chat']);
  });
});

describe('OllamaProvider completions and embeddings', () => {
  it('maps /v1/completions to raw /api/generate and back', async () => {
    fake.route('POST /api/generate', { fixture: 'ollama/generate-text.json' });
    const res = await provider.handle(
      call('completions', { model: 'm', prompt: 'Why is the sky', max_tokens: 5 }),
    );
    expect(lastBody()).toEqual({
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
    fake.route('POST /api/generate', { fixture: 'ollama/generate-text.ndjson', byteByByte: true });
    const chunks = await drain(
      await provider.handle(call('completions', { prompt: 'def f():', suffix: '\nf()', stream: true })),
    );
    expect(lastBody()).toEqual({
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
    fake.route('POST /api/embed', { fixture: 'ollama/embed.json' });
    const floats = await provider.handle(call('embeddings', { input: ['a', 'b'] }));
    expect(lastBody()).toEqual({ model: 'llama3.2', input: ['a', 'b'] });
    expect((floats as { body: Any }).body).toEqual({
      object: 'list',
      model: 'all-minilm',
      data: [
        { object: 'embedding', index: 0, embedding: [0.0101, -0.0018, 0.0501] },
        { object: 'embedding', index: 1, embedding: [1, -2, 0.5] },
      ],
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    const b64 = await provider.handle(call('embeddings', { input: ['a', 'b'], encoding_format: 'base64' }));
    const data = (b64 as { body: Any }).body.data;
    expect(data[1].embedding).toBe('AACAPwAAAMAAAAA/');
    const decoded = new Float32Array(new Uint8Array(Buffer.from(data[0].embedding, 'base64')).buffer);
    expect([...decoded].map((v) => Number(v.toFixed(4)))).toEqual([0.0101, -0.0018, 0.0501]);
  });
});

describe('OllamaProvider discovery and config', () => {
  it('lists /api/tags models with capabilities and context length from /api/show, cached by digest', async () => {
    fake.route('GET /api/tags', { fixture: 'ollama/tags.json' });
    fake.route('POST /api/show', (req) => ({
      fixture:
        (req.json as Any).model === 'all-minilm:latest'
          ? 'ollama/show-all-minilm.json'
          : 'ollama/show-llama3.2.json',
    }));
    const fresh = makeProvider();
    const models = await fresh.listModels(new AbortController().signal);
    expect(models).toEqual([
      {
        id: 'llama3.2:latest',
        created: Math.floor(Date.parse('2025-05-04T17:37:44.706015396-07:00') / 1000),
        capabilities: ['chat', 'completion'],
        maxModelLen: 131072,
      },
      {
        id: 'all-minilm:latest',
        created: Math.floor(Date.parse('2025-05-01T08:00:00Z') / 1000),
        capabilities: ['embedding'],
        maxModelLen: 512,
      },
    ]);
    expect(fake.requests.filter((r) => r.url === '/api/show')).toHaveLength(2);
    expect(await fresh.listModels(new AbortController().signal)).toEqual(models);
    expect(fake.requests.filter((r) => r.url === '/api/show')).toHaveLength(2);
    await fresh.close();
  });

  it('fails listModels when /api/tags fails, so the gateway sees the server as unhealthy', async () => {
    fake.route('GET /api/tags', { status: 500, json: { error: 'boom' } });
    const err = (await provider
      .listModels(new AbortController().signal)
      .catch((e: unknown) => e)) as UpstreamError;
    expect([err.status, err.message]).toEqual([500, 'boom']);
  });

  it('defaults base_url to 127.0.0.1:11434 and discover to true, and is registered in the catalog', () => {
    const parsed = OllamaConfigSchema.parse({ type: 'ollama' });
    expect(parsed.base_url).toBe('http://127.0.0.1:11434');
    const p = new OllamaProvider('o', parsed);
    expect(p.discover).toBe(true);
    void p.close();
    const config = parseConfig(
      { providers: { local: { type: 'ollama', base_url: 'http://10.0.0.2:11434', discover: false } } },
      '/tmp',
    );
    expect(config.providers.local).toMatchObject({
      type: 'ollama',
      discover: false,
      base_url: 'http://10.0.0.2:11434',
    });
    expect(() => parseConfig({ providers: { local: { type: 'ollama', api_base: 'x' } } }, '/tmp')).toThrow(
      /api_base/,
    );
  });
});
