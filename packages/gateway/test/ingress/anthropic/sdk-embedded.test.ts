/**
 * End to end: the unmodified `@anthropic-ai/sdk` → a real `switchyard serve` process → `/v1/messages` →
 * the embedded engine running the shared GGUF models. Tool use is forced by grammar (`tool_choice: any`),
 * as the tiny models never call tools on their own.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

const QWEN = 'stories260K-qwen2.5-chat-template';
const KEY = 'sk-anthropic-ingress-test';
const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string', maxLength: 12 } },
    required: ['city'],
    additionalProperties: false,
  },
};

let gateway: GatewayProcess;
let client: Anthropic;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { api_keys: [KEY] },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('messages.create', () => {
  it('answers a Message with text, stop_reason max_tokens at the budget and real usage', async () => {
    const message = await client.messages.create({
      model: QWEN,
      max_tokens: 6,
      system: [{ type: 'text', text: 'You tell stories.', cache_control: { type: 'ephemeral' } }],
      metadata: { user_id: '{"session":"s-1"}' },
      messages: [{ role: 'user', content: 'Tell me a story about a cat.' }],
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe(QWEN);
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toHaveLength(1);
    expect(message.content[0]!.type).toBe('text');
    expect((message.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.stop_sequence).toBeNull();
    expect(message.usage.output_tokens).toBe(6);
    expect(message.usage.input_tokens).toBeGreaterThan(10);
  });

  it('accepts a Bearer token as well as x-api-key', async () => {
    const bearer = new Anthropic({ baseURL: gateway.url, authToken: KEY, apiKey: null, maxRetries: 0 });
    const message = await bearer.messages.create({
      model: QWEN,
      max_tokens: 2,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.usage.output_tokens).toBe(2);
  });
});

describe('messages.stream', () => {
  it('streams the same text as the non-streamed answer, in Anthropic event order, with final usage', async () => {
    const params = {
      model: QWEN,
      max_tokens: 12,
      messages: [{ role: 'user' as const, content: 'Tell me a story about a dog.' }],
    };
    const plain = await client.messages.create(params);
    const stream = client.messages.stream(params);
    const events: Anthropic.MessageStreamEvent[] = [];
    stream.on('streamEvent', (event) => events.push(event));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(plain.content);
    expect(final.stop_reason).toBe(plain.stop_reason);
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(plain.usage.input_tokens);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('message_start');
    const start = events[0] as Anthropic.RawMessageStartEvent;
    expect(start.message.usage.input_tokens).toBeGreaterThan(10);
    expect(start.message.usage.input_tokens).toBe(plain.usage.input_tokens);
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(types.slice(2, -3))).toEqual(new Set(['content_block_delta']));
    const blockEvents = events.filter((e) => 'index' in e) as { index: number }[];
    expect(blockEvents.every((e) => e.index === 0)).toBe(true);
  });
});

describe('tool use forced by grammar', () => {
  it('returns a tool_use block with stop_reason tool_use for tool_choice any, then takes the tool_result', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'What is the weather in Oslo?' };
    const message = await client.messages.create({
      model: QWEN,
      max_tokens: 200,
      tools: [WEATHER],
      tool_choice: { type: 'any' },
      messages: [question],
    });
    expect(message.stop_reason).toBe('tool_use');
    const call = message.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(call.name).toBe('get_weather');
    expect(call.id).toMatch(/^toolu_/);
    expect(typeof (call.input as { city: unknown }).city).toBe('string');

    const answer = await client.messages.create({
      model: QWEN,
      max_tokens: 5,
      tools: [WEATHER],
      messages: [
        question,
        { role: 'assistant', content: message.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: call.id, content: [{ type: 'text', text: '14 °C' }] },
          ],
        },
      ],
    });
    expect(answer.content[0]!.type).toBe('text');
    expect(answer.stop_reason).toBe('max_tokens');
  });

  it('streams a named tool (tool_choice tool) as a tool_use block with input_json_delta and stop_reason tool_use', async () => {
    const stream = client.messages.stream({
      model: QWEN,
      max_tokens: 200,
      tools: [WEATHER],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Weather in Bergen?' }],
    });
    const events: Anthropic.MessageStreamEvent[] = [];
    stream.on('streamEvent', (event) => events.push(event));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toHaveLength(1);
    const call = final.content[0] as Anthropic.ToolUseBlock;
    expect(call.type).toBe('tool_use');
    expect(call.name).toBe('get_weather');
    const start = events.find((e) => e.type === 'content_block_start') as Anthropic.RawContentBlockStartEvent;
    expect(start.content_block).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
    const deltas = events.filter(
      (e) => e.type === 'content_block_delta',
    ) as Anthropic.RawContentBlockDeltaEvent[];
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((d) => d.delta.type === 'input_json_delta')).toBe(true);
    const delta = events.find((e) => e.type === 'message_delta') as Anthropic.RawMessageDeltaEvent;
    expect(delta.delta.stop_reason).toBe('tool_use');
    expect(delta.usage.output_tokens).toBe(final.usage.output_tokens);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('answers with text and no tool call for tool_choice none', async () => {
    const message = await client.messages.create({
      model: QWEN,
      max_tokens: 4,
      tools: [WEATHER],
      tool_choice: { type: 'none' },
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    expect(message.content.map((b) => b.type)).toEqual(['text']);
    expect(message.stop_reason).toBe('max_tokens');
  });
});

describe('errors in Anthropic shape', () => {
  it('400 invalid_request_error when max_tokens is missing', async () => {
    const err = await client.messages
      .create({
        model: QWEN,
        messages: [{ role: 'user', content: 'Hi' }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const e = err as InstanceType<typeof Anthropic.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect((e.error as { error: { message: string } }).error.message).toContain('max_tokens');
    expect(e.requestID).toMatch(/^req_/);
  });

  it('404 not_found_error for an unknown model', async () => {
    const err = await client.messages
      .create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });
  });

  it('401 authentication_error for a wrong key', async () => {
    const wrong = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = await wrong.messages
      .create({ model: QWEN, max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
  });

  it('400 naming the block for a document block the chat format cannot carry', async () => {
    const err = await client.messages
      .create({
        model: QWEN,
        max_tokens: 5,
        messages: [
          {
            role: 'user',
            content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Error).message).toContain('messages[0].content[0]');
  });
});
