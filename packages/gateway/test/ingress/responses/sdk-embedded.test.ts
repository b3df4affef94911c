/**
 * End to end: the unmodified `openai` SDK's Responses API against a real `switchyard serve` process whose
 * embedded engine serves the shared models; every request is translated to chat completions and back.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

const STORIES = 'stories260K';
const QWEN = 'stories260K-qwen2.5-chat-template';

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  strict: true,
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', maxLength: 10 } },
    required: ['city'],
    additionalProperties: false,
  },
};

let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
    store: { url: 'sqlite:responses.db' },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('responses.create over chat completions', () => {
  it('answers a string input with a message item, usage and incomplete at max_output_tokens', async () => {
    const response = await client.responses.create({
      model: STORIES,
      input: 'Once upon a time',
      max_output_tokens: 6,
    });
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_/);
    expect(response.model).toBe(STORIES);
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output).toHaveLength(1);
    const item = response.output[0]!;
    expect(item.type).toBe('message');
    if (item.type !== 'message') throw new Error('expected a message');
    expect(item.role).toBe('assistant');
    expect(item.content[0]!.type).toBe('output_text');
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.usage!.input_tokens).toBeGreaterThan(0);
    expect(response.usage!.output_tokens).toBe(6);
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + 6);
    expect(response.max_output_tokens).toBe(6);
    expect((response as unknown as { store: boolean }).store).toBe(true);
  });

  it('takes instructions and message items with input_text parts, and echoes metadata', async () => {
    const response = await client.responses.create({
      model: QWEN,
      instructions: 'You tell stories.',
      input: [
        { role: 'developer', content: 'Keep it short.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'A story about a dog.' }] },
      ],
      metadata: { suite: 'responses' },
      max_output_tokens: 4,
      store: false,
    });
    expect(response.instructions).toBe('You tell stories.');
    expect(response.metadata).toEqual({ suite: 'responses' });
    expect((response as unknown as { store: boolean }).store).toBe(false);
    expect(response.output_text.length).toBeGreaterThan(0);
  });

  it('returns JSON that matches a json_schema text.format', async () => {
    const response = await client.responses.create({
      model: STORIES,
      input: 'Describe a pet as JSON.',
      text: {
        format: {
          type: 'json_schema',
          name: 'pet',
          strict: true,
          schema: {
            type: 'object',
            properties: { kind: { enum: ['cat', 'dog'] }, legs: { type: 'integer' } },
            required: ['kind', 'legs'],
            additionalProperties: false,
          },
        },
      },
      max_output_tokens: 60,
    });
    const value = JSON.parse(response.output_text);
    expect(['cat', 'dog']).toContain(value.kind);
    expect(Number.isInteger(value.legs)).toBe(true);
    expect(response.text?.format?.type).toBe('json_schema');
  });

  it('forces a function call with tool_choice required, then takes its output in the next turn', async () => {
    const first = await client.responses.create({
      model: QWEN,
      input: 'What is the weather in Oslo?',
      tools: [weatherTool],
      tool_choice: 'required',
      max_output_tokens: 120,
    });
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call')
      throw new Error(`expected a function_call, got ${JSON.stringify(first.output)}`);
    expect(call.name).toBe('get_weather');
    expect(call.call_id).toMatch(/^call_/);
    expect(call.id).toMatch(/^fc_/);
    expect(typeof JSON.parse(call.arguments).city).toBe('string');
    expect(first.status).toBe('completed');

    const second = await client.responses.create({
      model: QWEN,
      input: [
        { role: 'user', content: 'What is the weather in Oslo?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '{"celsius": 3}' },
      ],
      tools: [weatherTool],
      max_output_tokens: 4,
      store: false,
    });
    expect(second.output.some((item) => item.type === 'message')).toBe(true);
  });

  it('flattens a namespace for the model and returns the call with its namespace', async () => {
    const response = await client.responses.create({
      model: QWEN,
      input: 'Find customer 7.',
      tools: [
        {
          type: 'namespace',
          name: 'crm',
          description: 'Customer records',
          tools: [{ ...weatherTool, name: 'lookup', description: 'Find a customer' }],
        },
      ] as unknown as OpenAI.Responses.Tool[],
      tool_choice: 'required',
      max_output_tokens: 120,
      store: false,
    });
    const call = response.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('expected a function_call');
    expect(call.name).toBe('lookup');
    expect(call.namespace).toBe('crm');
  });

  it('leaves out hosted tools, names them in x-switchyard-dropped-tools, and refuses a choice that forces one', async () => {
    const { data, response } = await client.responses
      .create({
        model: QWEN,
        input: 'Hello',
        tools: [{ type: 'web_search' }, weatherTool],
        max_output_tokens: 3,
        store: false,
      })
      .withResponse();
    expect(response.headers.get('x-switchyard-dropped-tools')).toBe('web_search');
    expect(data.tools).toHaveLength(2);
    const err = await client.responses
      .create({
        model: QWEN,
        input: 'Hello',
        tools: [{ type: 'web_search' }],
        tool_choice: { type: 'web_search_preview' },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tool_choice');
    expect((err as Error).message).toContain('web_search_preview');
  });

  it('answers 400 naming the field for an unknown item type and an unknown call_id', async () => {
    const unknownType = await client.responses
      .create({
        model: QWEN,
        input: [{ type: 'telepathy', text: 'hi' }] as unknown as OpenAI.Responses.ResponseInput,
      })
      .catch((e: unknown) => e);
    expect(unknownType).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknownType as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input[0].type');
    const unknownCall = await client.responses
      .create({ model: QWEN, input: [{ type: 'function_call_output', call_id: 'call_nope', output: 'x' }] })
      .catch((e: unknown) => e);
    expect(unknownCall).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknownCall as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input[0].call_id');
    const noModel = await client.responses
      .create({ model: 'no-such-model', input: 'x' })
      .catch((e: unknown) => e);
    expect(noModel).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('is served under /v1/openai/v1 too', async () => {
    const llamaStack = new OpenAI({
      baseURL: `${gateway.url}/v1/openai/v1`,
      apiKey: 'unused',
      maxRetries: 0,
    });
    const response = await llamaStack.responses.create({
      model: STORIES,
      input: 'Hi',
      max_output_tokens: 2,
      store: false,
    });
    expect(response.output_text.length).toBeGreaterThan(0);
  });
});
