/**
 * One table of cases run through every translating provider (Anthropic, Gemini, Ollama), each against a fake
 * upstream replaying its own documented transcripts: the same assertions must hold for all of them, so a
 * provider that frames a stream, a tool call, usage, a stop reason or an error differently from the others
 * fails here. Fixture provenance: fixtures/{anthropic,gemini,ollama}/SOURCES.md.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/errors.js';
import { AnthropicConfigSchema } from '../../src/providers/anthropic/config.js';
import { AnthropicProvider } from '../../src/providers/anthropic/provider.js';
import { GeminiConfigSchema } from '../../src/providers/gemini/config.js';
import { GeminiProvider } from '../../src/providers/gemini/provider.js';
import { OllamaConfigSchema } from '../../src/providers/ollama/config.js';
import { OllamaProvider } from '../../src/providers/ollama/provider.js';
import type { ModelOptions, Provider, ProviderResponse } from '../../src/providers/provider.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { drainChunks, jsonBody, providerRequest } from '../support/provider-request.js';

// biome-ignore lint/suspicious/noExplicitAny: assertions read nested response fields freely
type Any = any;

/** One translating provider: how to build it, its upstream routes, and what its fixtures hold. */
interface Row {
  name: string;
  make(fakeUrl: string, extra: Record<string, unknown>): Provider;
  upstreamModel: string;
  /** Fake-upstream route keys of the non-streaming and the streaming chat call. */
  routes: { json: string; stream: string };
  fixtures: { textJson: string; textStream: string; tools: string; length: string; error: string };
  /** The answer text of `textJson` / `textStream`, and its usage. */
  text: string;
  usage: { prompt: number; completion: number };
  /** The calls of `tools`, in order. */
  tools: { name: string; arguments: Record<string, unknown> }[];
  /** The text `length` holds before it was cut, and what the upstream said in `error`. */
  lengthText: string;
  errorText: RegExp;
  /** The tool result of the second turn, as the upstream request carries it. */
  toolResult(upstreamBody: Any): unknown;
}

const rows: Row[] = [
  {
    name: 'anthropic',
    make: (url, extra) =>
      new AnthropicProvider(
        'claude',
        AnthropicConfigSchema.parse({
          type: 'anthropic',
          base_url: `${url}/v1`,
          api_key: 'sk-ant-test',
          ...extra,
        }),
      ),
    upstreamModel: 'claude-sonnet-4-5',
    routes: { json: 'POST /v1/messages', stream: 'POST /v1/messages' },
    fixtures: {
      textJson: 'anthropic/text.json',
      textStream: 'anthropic/text.sse',
      tools: 'anthropic/parallel-tools.sse',
      length: 'anthropic/max-tokens.sse',
      error: 'anthropic/error-mid-stream.sse',
    },
    text: 'It is 14°C in Oslo.',
    usage: { prompt: 21, completion: 9 },
    tools: [
      { name: 'lookup_city', arguments: { city: 'Oslo' } },
      { name: 'lookup_city', arguments: { city: 'Rome' } },
    ],
    lengthText: 'It is',
    errorText: /Overloaded/,
    toolResult: (body) =>
      body.messages
        .flatMap((m: Any) => (Array.isArray(m.content) ? m.content : []))
        .find((b: Any) => b.type === 'tool_result'),
  },
  {
    name: 'gemini',
    make: (url, extra) =>
      new GeminiProvider(
        'google',
        GeminiConfigSchema.parse({
          type: 'gemini',
          base_url: `${url}/v1beta`,
          api_key: 'AIza-test',
          ...extra,
        }),
      ),
    upstreamModel: 'gemini-2.5-flash',
    routes: {
      json: 'POST /v1beta/models/gemini-2.5-flash:generateContent',
      stream: 'POST /v1beta/models/gemini-2.5-flash:streamGenerateContent',
    },
    fixtures: {
      textJson: 'gemini/text.json',
      textStream: 'gemini/text.sse',
      tools: 'gemini/parallel-tools.sse',
      length: 'gemini/max-tokens.sse',
      error: 'gemini/error-mid-stream.sse',
    },
    text: 'It is 14°C in Oslo.',
    usage: { prompt: 31, completion: 9 },
    tools: [
      { name: 'lookup_city', arguments: { city: 'Oslo' } },
      { name: 'lookup_city', arguments: { city: 'Rome' } },
    ],
    lengthText: 'It is',
    errorText: /overloaded/,
    toolResult: (body) =>
      body.contents.flatMap((c: Any) => c.parts).find((p: Any) => p.functionResponse !== undefined),
  },
  {
    name: 'ollama',
    make: (url, extra) =>
      new OllamaProvider(
        'local-ollama',
        OllamaConfigSchema.parse({ type: 'ollama', base_url: url, ...extra }),
      ),
    upstreamModel: 'llama3.2',
    routes: { json: 'POST /api/chat', stream: 'POST /api/chat' },
    fixtures: {
      textJson: 'ollama/chat-text.json',
      textStream: 'ollama/chat-text.ndjson',
      tools: 'ollama/chat-parallel-tools.ndjson',
      length: 'ollama/chat-usage-length.ndjson',
      error: 'ollama/chat-error-midstream.ndjson',
    },
    text: 'The sky is blue — ☀️.',
    usage: { prompt: 26, completion: 6 },
    tools: [
      { name: 'get_weather', arguments: { city: 'Tokyo' } },
      { name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
    ],
    lengthText: 'Once upon',
    errorText: /unexpected EOF/,
    toolResult: (body) => body.messages.find((m: Any) => m.role === 'tool'),
  },
];

const weatherTool = {
  type: 'function',
  function: { name: 'lookup_city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

/** A chat completion request as the client sent it. */
function chat(extra: Record<string, unknown> = {}) {
  return {
    model: 'client-model',
    messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    max_tokens: 50,
    ...extra,
  };
}

/**
 * `chunks` with every `id` replaced by its order of first appearance: ids the gateway generates differ
 * between two requests, their pattern (which chunks share one) must not.
 */
function idPattern(chunks: Any[]): Any[] {
  const seen = new Map<string, string>();
  return JSON.parse(
    JSON.stringify(chunks, (key, value) => {
      if (key !== 'id' || typeof value !== 'string') return value;
      if (!seen.has(value)) seen.set(value, `id#${seen.size}`);
      return seen.get(value);
    }),
  );
}

/** The text, tool calls, finish reasons and usage of a drained stream. */
function summarize(chunks: Any[]) {
  const choiceChunks = chunks.filter((c) => c.choices.length > 0);
  const calls: { id?: string; name?: string; arguments: string }[] = [];
  for (const c of choiceChunks) {
    for (const d of c.choices[0].delta.tool_calls ?? []) {
      calls[d.index] ??= { arguments: '' };
      const call = calls[d.index]!;
      if (d.id !== undefined) {
        expect(call.id ?? d.id, 'a tool call keeps its id').toBe(d.id);
        call.id = d.id;
      }
      if (d.function?.name !== undefined) call.name = d.function.name;
      call.arguments += d.function?.arguments ?? '';
    }
  }
  return {
    role: choiceChunks[0]?.choices[0].delta.role,
    text: choiceChunks.map((c) => c.choices[0].delta.content ?? '').join(''),
    calls,
    finishes: choiceChunks.map((c) => c.choices[0].finish_reason).filter((f) => f !== null),
    lastFinish: choiceChunks.at(-1)?.choices[0].finish_reason,
    usage: chunks.at(-1)?.choices.length === 0 ? chunks.at(-1).usage : undefined,
    models: new Set(chunks.map((c) => c.model)),
    ids: new Set(chunks.map((c) => c.id)),
  };
}

describe.each(rows)('translating provider $name', (row) => {
  let fake: FakeUpstream;
  let provider: Provider;
  beforeAll(async () => {
    fake = await startFakeUpstream({});
    provider = row.make(fake.url, {});
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  afterAll(async () => {
    await provider.close();
    await fake.close();
  });

  const call = (body: Record<string, unknown>, options: ModelOptions = {}): Promise<ProviderResponse> =>
    provider.handle(providerRequest('chat.completions', body, options, row.upstreamModel));

  /** Streams `fixture` whole and one byte at a time; both must drain to the same chunks. */
  async function stream(fixture: string, body: Record<string, unknown> = {}) {
    const drained = [];
    for (const byteByByte of [false, true]) {
      fake.route(row.routes.stream, { fixture, byteByByte });
      const result = await drainChunks(await call(chat({ stream: true, ...body })));
      for (const c of result.chunks) c.created = 0;
      drained.push(result);
    }
    expect(idPattern(drained[1]!.chunks)).toEqual(idPattern(drained[0]!.chunks));
    return drained[0]!;
  }

  it('text: one message with the text, finish_reason stop, usage totals, the client model id', async () => {
    fake.route(row.routes.json, { fixture: row.fixtures.textJson });
    const body = jsonBody(await call(chat())) as Any;
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('client-model');
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0].message).toMatchObject({ role: 'assistant', content: row.text });
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage.prompt_tokens).toBe(row.usage.prompt);
    expect(body.usage.completion_tokens).toBeGreaterThanOrEqual(row.usage.completion);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it('stream: role first, the text in deltas, one finish_reason stop on the last choice chunk, usage last', async () => {
    const { chunks, error } = await stream(row.fixtures.textStream, {
      stream_options: { include_usage: true },
    });
    expect(error).toBeUndefined();
    const s = summarize(chunks);
    expect(s.role).toBe('assistant');
    expect(s.text).toBe(row.text);
    expect(s.finishes).toEqual(['stop']);
    expect(s.lastFinish).toBe('stop');
    expect(s.usage).toMatchObject({
      prompt_tokens: row.usage.prompt,
      completion_tokens: row.usage.completion,
      total_tokens: row.usage.prompt + row.usage.completion,
    });
    expect([...s.models]).toEqual(['client-model']);
    expect(s.ids.size).toBe(1);
    for (const c of chunks) expect(c.object).toBe('chat.completion.chunk');
  });

  it('stream without include_usage: no usage chunk', async () => {
    const { chunks } = await stream(row.fixtures.textStream);
    expect(chunks.every((c: Any) => c.choices.length === 1)).toBe(true);
    expect(chunks.every((c) => c.usage === undefined || c.usage === null)).toBe(true);
  });

  it('parallel tool calls: one index per call, stable ids, JSON arguments, finish_reason tool_calls', async () => {
    const { chunks, error } = await stream(row.fixtures.tools, { tools: [weatherTool] });
    expect(error).toBeUndefined();
    const s = summarize(chunks);
    expect(s.calls.map((c) => ({ name: c.name, arguments: JSON.parse(c.arguments) }))).toEqual(row.tools);
    for (const c of s.calls) expect(c.id).toMatch(/^\S+$/);
    expect(new Set(s.calls.map((c) => c.id)).size).toBe(row.tools.length);
    expect(s.finishes).toEqual(['tool_calls']);
  });

  it('a reply cut by the token limit ends with finish_reason length', async () => {
    const { chunks, error } = await stream(row.fixtures.length);
    expect(error).toBeUndefined();
    const s = summarize(chunks);
    expect(s.text).toBe(row.lengthText);
    expect(s.finishes).toEqual(['length']);
  });

  it('an upstream error after the first chunk ends the stream with a gateway error carrying its text', async () => {
    const { chunks, error } = await stream(row.fixtures.error);
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    expect(summarize(chunks).finishes).toEqual([]);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBeGreaterThanOrEqual(500);
    expect((error as GatewayError).message).toMatch(row.errorText);
  });

  it('a tool result turn reaches the upstream as a tool result with its content', async () => {
    fake.route(row.routes.json, { fixture: row.fixtures.textJson });
    await call(
      chat({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'lookup_city', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 14°C' },
        ],
      }),
    );
    const result = row.toolResult(fake.requests.at(-1)!.json);
    expect(result).toBeDefined();
    expect(JSON.stringify(result)).toContain('sunny, 14°C');
  });

  it('a field the provider cannot honour is refused with a 400 naming it, or dropped when routing says so', async () => {
    fake.route(row.routes.json, { fixture: row.fixtures.textJson });
    const refused = await call(chat({ logit_bias: { '50256': -100 } })).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(GatewayError);
    expect([(refused as GatewayError).status, (refused as GatewayError).param]).toEqual([400, 'logit_bias']);
    expect(fake.requests).toHaveLength(0);

    const answer = await call(chat({ logit_bias: { '50256': -100 } }), { drop_unsupported_params: true });
    expect(answer.kind).toBe('json');
    expect(answer.headers?.['x-switchyard-dropped-params']).toBe('logit_bias');
    expect(JSON.stringify(fake.requests.at(-1)!.json)).not.toContain('50256');
  });
});
