/**
 * End to end: the unmodified `@anthropic-ai/sdk` → a real `switchyard serve` process → `/v1/messages` → an
 * `ollama` provider → the fake Ollama replaying test/fixtures/ollama/ (hand-written from Ollama's API docs,
 * see its SOURCES.md; streams one byte at a time). Text, thinking, parallel tool calls and a tool-result
 * round trip, every stop reason Ollama can report, usage, a mid-stream error and each error status, all in
 * Anthropic's shapes.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeRoute,
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string' } },
    required: ['city'],
  },
};

/** Upstream model name → how the fake Ollama answers `/api/chat`. */
function chatRoute(req: RecordedRequest): FakeRoute {
  const body = req.json as Any;
  const ext = body.stream ? 'ndjson' : 'json';
  const status = /^status-(\d+)$/.exec(body.model)?.[1];
  if (status) return { status: Number(status), json: { error: `ollama says ${status}` } };
  switch (body.model) {
    case 'qwen3-tools': {
      const answered = body.messages.at(-1).role === 'tool';
      const name = answered ? 'chat-text' : 'chat-parallel-tools';
      return { fixture: `ollama/${name}.${ext}`, byteByByte: true };
    }
    case 'qwen3':
      return { fixture: `ollama/chat-thinking.${ext}`, byteByByte: true };
    case 'short':
      return { fixture: 'ollama/chat-usage-length.ndjson', byteByByte: true };
    case 'broken':
      return { fixture: 'ollama/chat-error-midstream.ndjson', byteByByte: true };
    case 'llama9':
      return { status: 404, fixture: 'ollama/model-not-found.json' };
    default:
      return { fixture: `ollama/chat-text.${ext}`, byteByByte: true };
  }
}

const statuses = [400, 401, 403, 429, 500, 503];

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: Anthropic;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /api/tags': { fixture: 'ollama/tags.json' },
    'POST /api/show': { fixture: 'ollama/show-llama3.2.json' },
    'POST /api/chat': chatRoute,
  });
  const deploy = (id: string, model: string, extra: Record<string, unknown> = {}) => ({
    id,
    max_retries: 0,
    deployments: [{ provider: 'ollama', model }],
    ...extra,
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { ollama: { type: 'ollama', base_url: upstream.url, discover: false } },
    models: [
      deploy('chat', 'llama3.2'),
      deploy('tools', 'qwen3-tools'),
      deploy('tools-lenient', 'qwen3-tools', { drop_unsupported_params: true }),
      deploy('thinker', 'qwen3'),
      deploy('short', 'short'),
      deploy('broken', 'broken'),
      deploy('missing', 'llama9'),
      ...statuses.map((s) => deploy(`m-${s}`, `status-${s}`)),
    ],
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

function lastChat(): Any {
  return upstream.requests.filter((r) => r.path === '/api/chat').at(-1)!.json;
}

async function streamEvents(params: Anthropic.MessageCreateParamsStreaming) {
  const stream = client.messages.stream(params);
  const events: Anthropic.MessageStreamEvent[] = [];
  stream.on('streamEvent', (e) => events.push(e));
  const final = await stream.finalMessage();
  return { events, final };
}

describe('text', () => {
  it('messages.create answers a Message with end_turn and the upstream usage', async () => {
    const message = await client.messages.create({
      model: 'chat',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
    });
    expect(message.model).toBe('chat');
    expect(message.content).toEqual([{ type: 'text', text: 'The sky is blue — ☀️.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 26, output_tokens: 6 });
    const sent = lastChat();
    expect(sent.model).toBe('llama3.2');
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(sent.options.num_predict).toBe(100);
  });

  it('messages.stream gives the same text and the final usage in message_delta', async () => {
    const { events, final } = await streamEvents({
      model: 'chat',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
    });
    expect(final.content).toEqual([{ type: 'text', text: 'The sky is blue — ☀️.' }]);
    expect(final.stop_reason).toBe('end_turn');
    const delta = events.find((e) => e.type === 'message_delta') as Anthropic.RawMessageDeltaEvent;
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBe(delta.usage.output_tokens);
    expect(events.at(-1)!.type).toBe('message_stop');
  });

  it('reports max_tokens when Ollama stops for length', async () => {
    const { final } = await streamEvents({
      model: 'short',
      max_tokens: 2,
      stream: true,
      messages: [{ role: 'user', content: 'Tell me a story' }],
    });
    expect(final.content).toEqual([{ type: 'text', text: 'Once upon' }]);
    expect(final.stop_reason).toBe('max_tokens');
    expect(final.usage.output_tokens).toBe(2);
  });

  it('streams thinking as a thinking block before the text', async () => {
    const { events, final } = await streamEvents({
      model: 'thinker',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'What is 2+2?' }],
    });
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect((final.content[0] as Anthropic.ThinkingBlock).thinking).toContain('User wants');
    const deltas = events.filter(
      (e) => e.type === 'content_block_delta',
    ) as Anthropic.RawContentBlockDeltaEvent[];
    expect(deltas.filter((d) => d.index === 0).every((d) => d.delta.type === 'thinking_delta')).toBe(true);
    expect(deltas.filter((d) => d.index === 1).every((d) => d.delta.type === 'text_delta')).toBe(true);
  });
});

describe('tool use', () => {
  it('streams parallel tool calls as tool_use blocks in index order with stop_reason tool_use', async () => {
    const { events, final } = await streamEvents({
      model: 'tools',
      max_tokens: 100,
      stream: true,
      tools: [WEATHER],
      messages: [{ role: 'user', content: 'Weather in Tokyo and Paris?' }],
    });
    expect(final.stop_reason).toBe('tool_use');
    const calls = final.content as Anthropic.ToolUseBlock[];
    expect(calls.map((c) => [c.type, c.name, c.input])).toEqual([
      ['tool_use', 'get_weather', { city: 'Tokyo' }],
      ['tool_use', 'get_weather', { city: 'Paris', unit: 'celsius' }],
    ]);
    for (const call of calls) expect(call.id).toMatch(/^toolu_/);
    const starts = events.filter((e) => e.type === 'content_block_start') as { index: number }[];
    expect(starts.map((e) => e.index)).toEqual([0, 1]);
    expect(lastChat().tools[0].function.parameters).toEqual(WEATHER.input_schema);
  });

  it('refuses tool_choice any, which Ollama cannot honour, with a 400 naming it', async () => {
    const err = await client.messages
      .create({
        model: 'tools',
        max_tokens: 100,
        tools: [WEATHER],
        tool_choice: { type: 'any' },
        messages: [{ role: 'user', content: 'Weather in Tokyo?' }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Any).error.error.type).toBe('invalid_request_error');
    expect((err as Any).error.error.message).toContain('tool_choice');
  });

  it('drops tool_choice any where drop_unsupported_params says so, then takes the tool_result', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Tokyo and Paris?' };
    const response = await client.messages
      .create({
        model: 'tools-lenient',
        max_tokens: 100,
        tools: [WEATHER],
        tool_choice: { type: 'any' },
        messages: [question],
      })
      .withResponse();
    expect(response.response.headers.get('x-switchyard-dropped-params')).toContain('tool_choice');
    const message = response.data;
    expect(message.stop_reason).toBe('tool_use');
    const calls = message.content as Anthropic.ToolUseBlock[];
    expect(calls).toHaveLength(2);
    const answer = await client.messages.create({
      model: 'tools-lenient',
      max_tokens: 100,
      tools: [WEATHER],
      messages: [
        question,
        { role: 'assistant', content: message.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: calls[0]!.id, content: '14 °C' },
            {
              type: 'tool_result',
              tool_use_id: calls[1]!.id,
              content: [{ type: 'text', text: 'no data' }],
              is_error: true,
            },
          ],
        },
      ],
    });
    expect(answer.stop_reason).toBe('end_turn');
    expect(answer.content[0]!.type).toBe('text');
    const sent = lastChat();
    expect(sent.messages.at(-3).tool_calls).toHaveLength(2);
    expect(sent.messages.slice(-2).map((m: Any) => m.role)).toEqual(['tool', 'tool']);
    expect(sent.messages.at(-2).content).toBe('14 °C');
  });
});

describe('errors', () => {
  it('ends a stream that fails after it began with event: error, which the SDK raises', async () => {
    const stream = client.messages.stream({
      model: 'broken',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(texts.join('')).toBe('Partial');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain('unexpected EOF');
  });

  it('404 not_found_error for a model Ollama does not have', async () => {
    const err = await client.messages
      .create({ model: 'missing', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as Any).error.error.type).toBe('not_found_error');
  });

  const expected: Record<number, [number, string]> = {
    400: [400, 'invalid_request_error'],
    401: [401, 'authentication_error'],
    403: [403, 'permission_error'],
    429: [429, 'rate_limit_error'],
    500: [500, 'api_error'],
    503: [529, 'overloaded_error'],
  };
  for (const status of statuses) {
    it(`upstream ${status} → ${expected[status]![0]} ${expected[status]![1]}, streamed or not`, async () => {
      for (const stream of [false, true]) {
        const err = await client.messages
          .create({
            model: `m-${status}`,
            max_tokens: 5,
            stream,
            messages: [{ role: 'user', content: 'Hi' }],
          } as Anthropic.MessageCreateParams)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Anthropic.APIError);
        expect((err as Any).status).toBe(expected[status]![0]);
        expect((err as Any).error).toMatchObject({ type: 'error', error: { type: expected[status]![1] } });
      }
    });
  }
});
