/**
 * Structured output on the embedded engine that means what it says, end to end with the `openai` SDK against a
 * real gateway process on the shared GGUF models: every JSON Schema keyword is either enforced by the grammar
 * (checked by sampling at a high temperature with several seeds and validating each answer with Ajv, an
 * independent JSON Schema validator) or refused with a 400 naming it; the output is compact JSON; a forced
 * tool call is compact, streams its arguments incrementally, and when cut by max_tokens is still a tool call
 * with finish_reason "length".
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from './support/gateway-process.js';

const QWEN = 'stories260K-qwen2.5-chat-template';
const SEEDS = [1, 2, 3, 4, 5];

let gateway: GatewayProcess;
let client: OpenAI;
const ajv = new Ajv2020({ strict: false });
addFormats.default(ajv);

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { log_level: 'warn' },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR, parallel: 2 } },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
});

const messages = [{ role: 'user' as const, content: 'Describe a cat as JSON.' }];

/** True when `text` has no whitespace outside its JSON strings (compact JSON). */
function isCompact(text: string): boolean {
  return !/\s/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
}

async function sampleSchema(schema: Record<string, unknown>, seed: number, maxTokens = 160) {
  const res = await client.chat.completions.create({
    model: QWEN,
    messages,
    temperature: 1.5,
    seed,
    max_tokens: maxTokens,
    response_format: { type: 'json_schema', json_schema: { name: 'case', schema } },
  });
  return res.choices[0]!;
}

/** Each case holds one keyword under test inside an object, so a whole answer is one JSON object. */
const ENFORCED: [string, Record<string, unknown>][] = [
  ['integer minimum / maximum', { type: 'integer', minimum: 1, maximum: 9 }],
  [
    'integer exclusiveMinimum / exclusiveMaximum',
    { type: 'integer', exclusiveMinimum: -5, exclusiveMaximum: 5 },
  ],
  ['negative integer range', { type: 'integer', minimum: -120, maximum: -100 }],
  ['integer minimum only', { type: 'integer', minimum: 1000 }],
  ['number minimum / maximum', { type: 'number', minimum: 0, maximum: 1 }],
  ['multipleOf 1', { type: 'number', multipleOf: 1, maximum: 3, minimum: 0 }],
  ['pattern', { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}(x|yz)?$' }],
  ['pattern with quotes and backslashes', { type: 'string', pattern: '^"[a\\\\]{1,4}"$' }],
  ['minLength / maxLength', { type: 'string', minLength: 3, maxLength: 6 }],
  ['format date', { type: 'string', format: 'date' }],
  ['format date-time', { type: 'string', format: 'date-time' }],
  ['format time', { type: 'string', format: 'time' }],
  ['format uuid', { type: 'string', format: 'uuid' }],
  ['format email', { type: 'string', format: 'email' }],
  ['format ipv4', { type: 'string', format: 'ipv4' }],
  ['enum', { enum: ['red', 7, null, { a: [1] }] }],
  ['const', { const: 'fixed "value"' }],
  [
    'minItems / maxItems',
    { type: 'array', items: { type: 'integer', minimum: 0, maximum: 99 }, minItems: 2, maxItems: 4 },
  ],
  ['prefixItems', { type: 'array', prefixItems: [{ type: 'boolean' }, { const: 'x' }] }],
  ['anyOf', { anyOf: [{ type: 'integer', minimum: 10, maximum: 12 }, { type: 'null' }] }],
  ['$ref to $defs', { $ref: '#/$defs/level' }],
];

describe('JSON Schema keywords enforced by the grammar', () => {
  it.each(ENFORCED)('%s: every sampled answer is valid, compact JSON', async (_name, property) => {
    const schema = {
      type: 'object',
      properties: { v: property, note: { type: 'string', maxLength: 8 } },
      required: ['v'],
      additionalProperties: false,
      $defs: { level: { type: 'integer', minimum: 1, maximum: 3 } },
    };
    const validate = ajv.compile(schema);
    for (const seed of SEEDS) {
      const choice = await sampleSchema(schema, seed);
      const text = choice.message.content!;
      expect(choice.finish_reason, text).toBe('stop');
      const value: unknown = JSON.parse(text);
      expect(validate(value), `${text}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(isCompact(text), text).toBe(true);
    }
  });

  it('json_object answers are compact JSON objects (a cut one is a JSON object prefix)', async () => {
    let complete = 0;
    for (const seed of SEEDS) {
      const res = await client.chat.completions.create({
        model: QWEN,
        messages,
        temperature: 1,
        seed,
        max_tokens: 400,
        response_format: { type: 'json_object' },
      });
      const text = res.choices[0]!.message.content!;
      if (res.choices[0]!.finish_reason === 'length') {
        expect(text.startsWith('{')).toBe(true);
        continue;
      }
      complete++;
      const value: unknown = JSON.parse(text);
      expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
      expect(isCompact(text), text).toBe(true);
    }
    expect(complete).toBeGreaterThan(0);
  });
});

describe('JSON Schema keywords the grammar cannot enforce', () => {
  const REFUSED: [string, Record<string, unknown>][] = [
    ['not', { not: { type: 'string' } }],
    ['if', { if: { type: 'string' }, else: { minLength: 1 } }],
    ['uniqueItems', { type: 'array', uniqueItems: true }],
    ['multipleOf', { type: 'integer', multipleOf: 5 }],
    ['exclusiveMinimum', { type: 'number', exclusiveMinimum: 0 }],
    ['minimum', { type: 'number', minimum: 0.5 }],
    ['maximum', { type: 'number', maximum: 10 }],
    ['format', { type: 'string', format: 'hostname' }],
    ['patternProperties', { type: 'object', patternProperties: { '^x': {} } }],
    ['minProperties', { type: 'object', minProperties: 1 }],
    ['contains', { type: 'array', contains: { type: 'integer' } }],
    ['allOf', { allOf: [{ type: 'string' }, { minLength: 2 }] }],
    ['minLength', { type: 'string', pattern: '^a+$', minLength: 2 }],
  ];
  it.each(REFUSED)("'%s' is a 400 naming the keyword", async (keyword, property) => {
    const err = await sampleSchema({ type: 'object', properties: { v: property } }, 1).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.BadRequestError>,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err!.param).toBe('response_format');
    expect(err!.message).toContain(`'${keyword}'`);
  });

  it('a pattern with a lookahead is refused naming the construct', async () => {
    const err = await sampleSchema({ type: 'string', pattern: '^(?=a)a+$' }, 1).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.BadRequestError>,
    );
    expect(err?.status).toBe(400);
    expect(err?.message).toContain('(?=a)');
  });
});

const WEATHER: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        location: { type: 'string', maxLength: 24 },
        unit: { enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['location', 'unit', 'days'],
    },
  },
};
const forced = {
  model: QWEN,
  messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
  tools: [WEATHER],
  tool_choice: { type: 'function' as const, function: { name: 'get_weather' } },
  temperature: 0,
};

describe('forced tool calls', () => {
  it('are compact: the arguments hold no whitespace between JSON tokens', async () => {
    const res = await client.chat.completions.create({ ...forced, max_tokens: 200 });
    const call = res.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
    expect(isCompact(call.function.arguments)).toBe(true);
    expect(ajv.validate(WEATHER.function.parameters!, args)).toBe(true);
  });

  it('cut by max_tokens, is still a tool call with the arguments so far and finish_reason length', async () => {
    const full = await client.chat.completions.create({ ...forced, max_tokens: 200 });
    const whole = (full.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall)
      .function.arguments;
    const cut = await client.chat.completions.create({ ...forced, max_tokens: 12 });
    const choice = cut.choices[0]!;
    expect(choice.finish_reason).toBe('length');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(call.id).toMatch(/^call_/);
    expect(whole.startsWith(call.function.arguments)).toBe(true);
    expect(call.function.arguments.length).toBeLessThan(whole.length);
  });

  it('stream the id and name first, then the arguments in several deltas that add up to the whole call', async () => {
    const full = await client.chat.completions.create({ ...forced, max_tokens: 200 });
    const whole = (full.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall)
      .function.arguments;
    const stream = await client.chat.completions.create({ ...forced, max_tokens: 200, stream: true });
    const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather' } });
    expect(deltas[0]!.id).toMatch(/^call_/);
    expect(deltas.slice(1).every((d) => d.index === 0 && d.id === undefined)).toBe(true);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.function?.arguments ?? '').join('')).toBe(whole);
  });

  it('"required" calls one of the offered functions with valid arguments; a named one only that function', async () => {
    const LEVEL: OpenAI.ChatCompletionTool = {
      type: 'function',
      function: {
        name: 'set_level',
        parameters: {
          type: 'object',
          properties: { level: { type: 'integer', minimum: 0, maximum: 10 }, unit: { enum: ['db', 'pct'] } },
          required: ['level'],
        },
      },
    };
    const tools = [WEATHER, LEVEL];
    const names = new Set<string>();
    for (const seed of SEEDS) {
      for (const tool_choice of [
        'required',
        { type: 'function', function: { name: 'set_level' } },
      ] as const) {
        const res = await client.chat.completions.create({
          ...forced,
          tools,
          tool_choice,
          temperature: 1.5,
          seed,
          max_tokens: 200,
        });
        const call = res.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
        const tool = tools.find((t) => t.type === 'function' && t.function.name === call.function.name);
        expect(tool, call.function.name).toBeDefined();
        if (tool_choice !== 'required') expect(call.function.name).toBe('set_level');
        else names.add(call.function.name);
        const parameters = (tool as OpenAI.ChatCompletionFunctionTool).function.parameters!;
        expect(ajv.validate(parameters, JSON.parse(call.function.arguments)), call.function.arguments).toBe(
          true,
        );
      }
    }
    expect(names.size).toBeGreaterThan(0);
  });
});
