/**
 * End to end: the official `openai` SDK against a real `switchyard serve` process running the repository's
 * switchyard.yaml (the embedded engine serving shared/models, via `SWITCHYARD_MODELS_DIR`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GatewayProcess,
  MODELS_DIR,
  REPO_ROOT,
  startGatewayProcess,
} from './support/gateway-process.js';

const STORIES = 'stories260K';
const QWEN = 'stories260K-qwen2.5-chat-template';
const messages = [{ role: 'user' as const, content: 'Tell me a story about a cat.' }];

let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  const config = readFileSync(join(REPO_ROOT, 'switchyard.yaml'), 'utf8');
  gateway = await startGatewayProcess(config, { SWITCHYARD_MODELS_DIR: MODELS_DIR });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('models', () => {
  it('lists every GGUF model and retrieves one, owned by the provider', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id).sort()).toEqual(['llama-2-tiny-random', STORIES, QWEN].sort());
    const model = await client.models.retrieve(STORIES);
    expect(model).toMatchObject({ id: STORIES, object: 'model', owned_by: 'local' });
  });
});

describe("fields that ask nothing of the model (the calls of Llama Stack's OpenAI-compatibility tests)", () => {
  it('answers embeddings and chat calls that carry user (and the other inert fields) in the usual shape', async () => {
    const embedding = await client.embeddings.create({
      model: STORIES,
      input: 'The quick brown fox jumps over the lazy dog',
      user: 'test-user-123',
    });
    expect(embedding.object).toBe('list');
    expect(embedding.data).toHaveLength(1);
    expect(embedding.data[0]!.embedding.length).toBeGreaterThan(0);
    expect(embedding.usage.prompt_tokens).toBeGreaterThan(0);
    const chat = await client.chat.completions.create({
      model: QWEN,
      messages,
      max_tokens: 4,
      user: 'test-user-123',
      safety_identifier: 'safety-1',
      prompt_cache_key: 'cache-1',
      metadata: { suite: 'llama-stack' },
      store: true,
      service_tier: 'auto',
      n: 1,
    });
    expect(chat.object).toBe('chat.completion');
    expect(chat.choices[0]!.message.role).toBe('assistant');
    expect(typeof chat.choices[0]!.message.content).toBe('string');
    const stream = await client.chat.completions.create({
      model: QWEN,
      messages,
      max_tokens: 4,
      user: 'test-user-123',
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });
});

describe('chat completions', () => {
  it('streams the same text as the non-streamed answer at temperature 0, with role first and a usage chunk', async () => {
    const plain = await client.chat.completions.create({
      model: QWEN,
      messages,
      max_tokens: 12,
      temperature: 0,
    });
    const stream = await client.chat.completions.create({
      model: QWEN,
      messages,
      max_tokens: 12,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(plain.choices[0]!.message.content);
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish).toHaveLength(1);
    expect(finish[0]!.choices[0]!.finish_reason).toBe(plain.choices[0]!.finish_reason);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const res = await client.chat.completions.create({ model: STORIES, messages, max_tokens: 5 });
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(res.usage!.completion_tokens).toBe(5);
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + 5);
  });

  it('cuts the answer before a stop string', async () => {
    const full = await client.chat.completions.create({
      model: STORIES,
      messages,
      max_tokens: 20,
      temperature: 0,
    });
    const text = full.choices[0]!.message.content!;
    const stop = text.slice(6, 10);
    const cut = await client.chat.completions.create({
      model: STORIES,
      messages,
      max_tokens: 20,
      temperature: 0,
      stop: [stop, 'never-seen'],
    });
    expect(cut.choices[0]!.message.content).toBe(text.slice(0, text.indexOf(stop)));
    expect(cut.choices[0]!.finish_reason).toBe('stop');
  });

  it('repeats exactly with the same seed, differs with another, and returns n distinct choices', async () => {
    const ask = (seed: number, n = 1) =>
      client.chat.completions.create({ model: STORIES, messages, max_tokens: 24, temperature: 1.5, seed, n });
    const [a, b, c] = await Promise.all([ask(7), ask(7), ask(8)]);
    expect(b.choices[0]!.message.content).toBe(a.choices[0]!.message.content);
    expect(c.choices[0]!.message.content).not.toBe(a.choices[0]!.message.content);
    const two = await ask(7, 2);
    expect(two.choices.map((ch) => ch.index)).toEqual([0, 1]);
    expect(two.choices[0]!.message.content).toBe(a.choices[0]!.message.content);
    expect(two.choices[1]!.message.content).not.toBe(two.choices[0]!.message.content);
    expect(two.usage!.completion_tokens).toBe(48);
  });

  it('returns logprobs with top alternatives for every generated token', async () => {
    const res = await client.chat.completions.create({
      model: STORIES,
      messages,
      max_tokens: 6,
      temperature: 0,
      logprobs: true,
      top_logprobs: 2,
    });
    const content = res.choices[0]!.logprobs!.content!;
    expect(content).toHaveLength(6);
    expect(content.map((t) => t.token).join('')).toBe(res.choices[0]!.message.content);
    for (const t of content) {
      expect(t.logprob).toBeLessThanOrEqual(0);
      expect(t.top_logprobs).toHaveLength(2);
    }
  });

  it('forces a tool call with tool_choice required, arguments matching the schema', async () => {
    const res = await client.chat.completions.create({
      model: QWEN,
      messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string', maxLength: 10 }, days: { type: 'integer' } },
              required: ['city', 'days'],
            },
          },
        },
      ],
      tool_choice: 'required',
      max_tokens: 120,
    });
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(call.id).toMatch(/^call_/);
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments);
    expect(typeof args.city).toBe('string');
    expect(Number.isInteger(args.days)).toBe(true);
  });

  it('returns JSON matching a json_schema response_format', async () => {
    const res = await client.chat.completions.create({
      model: STORIES,
      messages: [{ role: 'user', content: 'Describe a pet as JSON.' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'pet',
          schema: {
            type: 'object',
            properties: {
              kind: { enum: ['cat', 'dog'] },
              legs: { type: 'integer' },
              tags: { type: 'array', items: { type: 'string', maxLength: 8 }, maxItems: 2 },
            },
            required: ['kind', 'legs', 'tags'],
            additionalProperties: false,
          },
        },
      },
      max_tokens: 80,
    });
    const value = JSON.parse(res.choices[0]!.message.content!);
    expect(['cat', 'dog']).toContain(value.kind);
    expect(Number.isInteger(value.legs)).toBe(true);
    expect(Array.isArray(value.tags) && value.tags.every((t: unknown) => typeof t === 'string')).toBe(true);
  });

  it('serves 8 concurrent requests, each with its own parameters', async () => {
    const budgets = [1, 2, 3, 4, 5, 6, 7, 8];
    const results = await Promise.all(
      budgets.map((max_tokens, i) =>
        client.chat.completions.create({
          model: i % 2 ? QWEN : STORIES,
          messages,
          max_tokens,
          temperature: i / 4,
          seed: i,
          top_k: 1 + i,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming),
      ),
    );
    expect(results.map((r) => r.usage!.completion_tokens)).toEqual(budgets);
    expect(results.map((r) => r.model)).toEqual(budgets.map((_, i) => (i % 2 ? QWEN : STORIES)));
  });

  it("answers 400 context_length_exceeded in vLLM's words when the prompt alone fills the context", async () => {
    const err = await client.chat.completions
      .create({ model: STORIES, messages: [{ role: 'user', content: 'cat '.repeat(3000) }], max_tokens: 1 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const error = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.code).toBe('context_length_exceeded');
    expect(error.param).toBe('messages');
    expect(error.message).toMatch(
      /^400 This model's maximum context length is 2048 tokens\. However, you requested (\d{4}) tokens in the messages, Please reduce the length of the messages\.$/,
    );
  });

  it("answers 400 with vLLM's exact message when prompt plus max_tokens exceed the context by one token", async () => {
    const probe = await client.chat.completions.create({ model: STORIES, messages, max_tokens: 1 });
    const prompt = probe.usage!.prompt_tokens;
    const completion = 2048 - prompt + 1;
    const err = await client.chat.completions
      .create({ model: STORIES, messages, max_tokens: completion })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const error = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.status).toBe(400);
    expect(error.code).toBe('context_length_exceeded');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
    expect(error.message).toBe(
      `400 This model's maximum context length is 2048 tokens. However, you requested 2049 tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`,
    );
    const legacy = await client.completions
      .create({ model: STORIES, prompt: 'Once upon a time', max_tokens: 2047 })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.BadRequestError>,
      );
    expect(legacy?.code).toBe('context_length_exceeded');
    expect(legacy?.param).toBe('prompt');
    expect(legacy?.message).toMatch(
      /However, you requested \d+ tokens \(\d+ in the messages, 2047 in the completion\)/,
    );
  });
});

describe('legacy completions', () => {
  it('completes a string prompt and a batch of prompts with logprobs in the legacy layout', async () => {
    const one = await client.completions.create({
      model: STORIES,
      prompt: 'Once upon a time',
      max_tokens: 8,
      logprobs: 2,
    });
    const lp = one.choices[0]!.logprobs!;
    expect(lp.tokens).toHaveLength(8);
    expect(lp.tokens!.join('')).toBe(one.choices[0]!.text);
    expect(lp.text_offset![1]).toBe(lp.tokens![0]!.length);
    expect(Object.keys(lp.top_logprobs![0]!).length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(lp.top_logprobs![0]!).length).toBeLessThanOrEqual(3);
    const batch = await client.completions.create({
      model: STORIES,
      prompt: ['Once upon a time', 'The little dog'],
      max_tokens: 4,
      temperature: 0,
    });
    expect(batch.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(batch.choices[0]!.text).not.toBe(batch.choices[1]!.text);
    expect(batch.usage!.completion_tokens).toBe(8);
  });

  it('streams the same text as the non-streamed completion', async () => {
    const body = { model: STORIES, prompt: 'The little dog', max_tokens: 10, temperature: 0 };
    const plain = await client.completions.create(body);
    const stream = await client.completions.create({
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(plain.choices[0]!.text);
    expect(usage).toEqual(plain.usage);
  });
});

describe('embeddings', () => {
  it('gives equal vectors with the SDK default (base64) and encoding_format float', async () => {
    const viaBase64 = await client.embeddings.create({ model: STORIES, input: ['a red ball', 'a blue car'] });
    const viaFloat = await client.embeddings.create({
      model: STORIES,
      input: ['a red ball', 'a blue car'],
      encoding_format: 'float',
    });
    expect(viaBase64.data).toHaveLength(2);
    expect(viaBase64.data[0]!.embedding).toHaveLength(64);
    viaBase64.data.forEach((d, i) => {
      d.embedding.forEach((v, j) => {
        expect(v).toBeCloseTo(viaFloat.data[i]!.embedding[j]!, 6);
      });
    });
    expect(viaFloat.usage.prompt_tokens).toBeGreaterThan(0);
  });
});
