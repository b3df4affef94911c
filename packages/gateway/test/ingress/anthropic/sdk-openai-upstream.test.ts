/**
 * End to end: the unmodified `@anthropic-ai/sdk` → a real `switchyard serve` process → `/v1/messages` →
 * an OpenAI-compatible upstream (the fake upstream replaying test/fixtures/anthropic-ingress/, streams one
 * byte at a time). Proves the canonical request the upstream receives, every stop reason, parallel tool
 * calls, thinking, usage, a mid-stream error and each error status in Anthropic's shape.
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

const DIR = 'anthropic-ingress';

/** Upstream model name → the fake's answer. */
function chatRoute(req: RecordedRequest): FakeRoute {
  const body = req.json as Any;
  const stream = body.stream === true;
  const fixture = (name: string): FakeRoute =>
    stream
      ? { fixture: `${DIR}/openai-${name}.sse`, byteByByte: true }
      : { fixture: `${DIR}/openai-${name}.json` };
  const status = /^status-(\d+)$/.exec(body.model)?.[1];
  if (status) {
    return {
      status: Number(status),
      headers: status === '429' ? { 'retry-after': '0' } : {},
      json: { error: { message: `upstream says ${status}`, type: 'upstream_test', param: null, code: null } },
    };
  }
  switch (body.model) {
    case 'tools':
      return fixture(stream ? 'parallel-tools' : 'tool-call');
    case 'text':
      return fixture('text');
    default:
      return { fixture: `${DIR}/openai-${body.model}.sse`, byteByByte: true };
  }
}

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: Anthropic;

const ids = [
  'text',
  'tools',
  'tools-finish-stop',
  'length',
  'stop-sequence',
  'reasoning',
  'error-mid-stream',
];
const statuses = [400, 403, 404, 429, 500, 503];

beforeAll(async () => {
  upstream = await startFakeUpstream({ 'POST /v1/chat/completions': chatRoute });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: {
      up: { type: 'vllm', base_url: `${upstream.url}/v1`, api_key: 'upstream-secret', discover: false },
    },
    models: [
      ...ids.map((id) => ({ id: `m-${id}`, deployments: [{ provider: 'up', model: id }] })),
      ...statuses.map((s) => ({
        id: `m-${s}`,
        max_retries: 0,
        deployments: [{ provider: 'up', model: `status-${s}` }],
      })),
    ],
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

function lastUpstreamBody(): Any {
  return upstream.requests.at(-1)!.json;
}

async function streamEvents(params: Anthropic.MessageCreateParamsStreaming) {
  const stream = client.messages.stream(params);
  const events: Anthropic.MessageStreamEvent[] = [];
  stream.on('streamEvent', (e) => events.push(e));
  const final = await stream.finalMessage();
  return { events, final };
}

describe('request mapping', () => {
  it('sends the upstream a canonical chat request with every mapped field and none invented', async () => {
    await client.messages.create({
      model: 'm-text',
      max_tokens: 300,
      system: 'Be brief.',
      temperature: 0.2,
      top_k: 5,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          input_schema: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            $defs: { x: {} },
          },
        },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'failed', is_error: true },
            { type: 'text', text: 'Try again.' },
          ],
        },
      ],
    } as Any);
    const req = upstream.requests.at(-1)!;
    expect(req.headers.authorization).toBe('Bearer upstream-secret');
    expect(req.headers['x-api-key']).toBeUndefined();
    expect(req.json).toEqual({
      model: 'text',
      max_tokens: 300,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'failed', is_error: true },
        { role: 'user', content: [{ type: 'text', text: 'Try again.' }] },
      ],
      stop: ['END'],
      temperature: 0.2,
      top_k: 5,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
              $defs: { x: {} },
            },
          },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
  });

  it('accepts the fields Claude Code sends that ask for nothing, and asks a stream for its usage', async () => {
    await streamEvents({
      model: 'm-text',
      max_tokens: 32000,
      stream: true,
      thinking: { type: 'adaptive' } as Any,
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      output_config: { effort: 'high' },
      service_tier: 'auto',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] },
      ],
    } as Any);
    expect(lastUpstreamBody()).toEqual({
      model: 'text',
      max_tokens: 32000,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe('non-streamed answers', () => {
  it('maps text, end_turn and usage', async () => {
    const message = await client.messages.create({
      model: 'm-text',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'm-text',
      content: [{ type: 'text', text: 'It is 14°C in Oslo.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 31, output_tokens: 9 },
    });
  });

  it('maps tool calls to tool_use blocks with toolu_ ids and stop_reason tool_use', async () => {
    const message = await client.messages.create({
      model: 'm-tools',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_abc', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });
});

describe('streamed answers', () => {
  it('text: end_turn, cached prompt tokens split out, final usage in message_delta', async () => {
    const { events, final } = await streamEvents({
      model: 'm-text',
      max_tokens: 10,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(final.content).toEqual([{ type: 'text', text: 'It is 14°C.' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 20, output_tokens: 9, cache_read_input_tokens: 11 });
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('parallel tool calls: text block then one tool_use block per call, indexes in order, input streamed', async () => {
    const { events, final } = await streamEvents({
      model: 'm-tools',
      max_tokens: 10,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'toolu_oslo1', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'toolu_bergen2', name: 'get_weather', input: { city: 'Bergen' } },
    ]);
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => (e as Any).index);
    const stops = events.filter((e) => e.type === 'content_block_stop').map((e) => (e as Any).index);
    expect(starts).toEqual([0, 1, 2]);
    expect(stops).toEqual([0, 1, 2]);
    const json = events.filter(
      (e) => e.type === 'content_block_delta' && e.delta.type === 'input_json_delta',
    );
    expect(json.map((e) => [(e as Any).index, (e as Any).delta.partial_json])).toEqual([
      [1, '{"city": "Os'],
      [1, 'lo"}'],
      [2, '{"city":'],
      [2, ' "Bergen"}'],
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 88, output_tokens: 41 });
  });

  it('a turn that ends in tool calls is tool_use even when the upstream says stop', async () => {
    const { final } = await streamEvents({
      model: 'm-tools-finish-stop',
      max_tokens: 10,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      { type: 'tool_use', id: 'toolu_x9', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
  });

  it('length becomes max_tokens', async () => {
    const { final } = await streamEvents({
      model: 'm-length',
      max_tokens: 2,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(final.stop_reason).toBe('max_tokens');
    expect(final.usage.output_tokens).toBe(2);
  });

  it('a matched stop sequence becomes stop_sequence with the sequence named', async () => {
    const { final } = await streamEvents({
      model: 'm-stop-sequence',
      max_tokens: 20,
      stop_sequences: ['three'],
      stream: true,
      messages: [{ role: 'user', content: 'Count' }],
    });
    expect(final.stop_reason).toBe('stop_sequence');
    expect(final.stop_sequence).toBe('three');
  });

  it('reasoning_content becomes a thinking block before the text', async () => {
    const { final } = await streamEvents({
      model: 'm-reasoning',
      max_tokens: 20,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'The user wants a greeting.', signature: '' },
      { type: 'text', text: 'Hello!' },
    ]);
  });

  it('an upstream error mid-stream arrives as event: error, which the SDK raises', async () => {
    const stream = client.messages.stream({
      model: 'm-error-mid-stream',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(texts.join('')).toBe('Partial');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as Error).message).toContain('CUDA out of memory');
    expect((err as Any).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});

describe('upstream error statuses in Anthropic shape', () => {
  const cases: [number, number, string, new (...args: Any[]) => Error][] = [
    [400, 400, 'invalid_request_error', Anthropic.BadRequestError],
    [403, 403, 'permission_error', Anthropic.PermissionDeniedError],
    [404, 404, 'not_found_error', Anthropic.NotFoundError],
    [429, 429, 'rate_limit_error', Anthropic.RateLimitError],
    [500, 500, 'api_error', Anthropic.InternalServerError],
    [503, 529, 'overloaded_error', Anthropic.InternalServerError],
  ];
  for (const [upstreamStatus, status, type, errorClass] of cases) {
    it(`upstream ${upstreamStatus} → ${status} ${type}`, async () => {
      for (const stream of [false, true]) {
        const err = await client.messages
          .create({
            model: `m-${upstreamStatus}`,
            max_tokens: 5,
            stream,
            messages: [{ role: 'user', content: 'Hi' }],
          } as Any)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(errorClass);
        expect((err as Any).status).toBe(status);
        expect((err as Any).error).toMatchObject({ type: 'error', error: { type } });
      }
    });
  }
});
