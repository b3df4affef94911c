/**
 * The embedded provider called directly through `handle()`, against the real tiny GGUF models in
 * shared/models (env `SWITCHYARD_MODELS_DIR`). Covers what the HTTP end-to-end tests cannot see: the
 * rendered chat template, the tokenizer API, pooled sequences being released, abort, and engine details.
 */

import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortSwitch } from '../src/providers/abort-switch.js';
import { EmbeddedConfigSchema } from '../src/providers/embedded/config.js';
import { EmbeddedProvider } from '../src/providers/embedded/provider.js';
import type { Endpoint, ProviderResponse } from '../src/providers/provider.js';
import { MODELS_DIR } from './support/gateway-process.js';
import { rejection } from './support/rejections.js';

const STORIES = 'stories260K';
const QWEN = 'stories260K-qwen2.5-chat-template';
const CUSTOM_TEMPLATE =
  '{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}[assistant] {% endif %}';

function makeProvider(settings: Record<string, unknown>): EmbeddedProvider {
  const config = EmbeddedConfigSchema.parse({ type: 'embedded', ...settings });
  return new EmbeddedProvider('local', config, '/', pino({ level: 'silent' }));
}

const provider = makeProvider({
  models_dir: MODELS_DIR,
  models: [
    { id: 'custom-template', path: join(MODELS_DIR, 'stories260K.gguf'), chat_template: CUSTOM_TEMPLATE },
  ],
});
const single = makeProvider({ models_dir: MODELS_DIR, parallel: 1 });
afterAll(async () => {
  await provider.close();
  await single.close();
});

// biome-ignore lint/suspicious/noExplicitAny: responses are untyped OpenAI JSON, inspected field by field
type Json = any;

async function call(
  endpoint: Endpoint,
  model: string,
  body: Record<string, unknown>,
  options: { abort?: AbortSwitch; on?: EmbeddedProvider } = {},
): Promise<ProviderResponse> {
  return (options.on ?? provider).handle({
    endpoint,
    body: { model, ...body },
    clientModel: model,
    model,
    stream: body.stream === true,
    abort: options.abort ?? new AbortSwitch(),
    requestId: 'test',
    options: {},
    timing: { waitMs: 0 },
  });
}

async function json(endpoint: Endpoint, model: string, body: Record<string, unknown>): Promise<Json> {
  const res = await call(endpoint, model, body);
  if (res.kind !== 'json') throw new Error(`expected json, got ${res.kind}`);
  return res.body;
}

async function chunks(endpoint: Endpoint, model: string, body: Record<string, unknown>): Promise<Json[]> {
  const res = await call(endpoint, model, { ...body, stream: true });
  if (res.kind !== 'chunks') throw new Error(`expected chunks, got ${res.kind}`);
  const out: Json[] = [];
  for await (const c of res.chunks) out.push(c);
  return out;
}

describe('discovery', () => {
  it('lists every GGUF file plus configured models, with context length, without loading weights', async () => {
    const fresh = makeProvider({ models_dir: MODELS_DIR });
    const models = await fresh.listModels(new AbortController().signal);
    expect(models.map((m) => m.id)).toEqual(['llama-2-tiny-random', STORIES, QWEN]);
    const stories = models.find((m) => m.id === STORIES)!;
    expect(stories.maxModelLen).toBe(2048);
    expect(stories.capabilities).toEqual(['chat', 'completion', 'embedding', 'tokenize']);
    expect(models.find((m) => m.id === 'llama-2-tiny-random')!.maxModelLen).toBe(4096);
    expect(fresh.loadedModels).toEqual([]);
    await fresh.close();
  });

  it('answers 404 naming the available models for an unknown id', async () => {
    const err = await rejection(
      call('chat.completions', 'nope', { messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(err.status).toBe(404);
    expect(err.message).toContain(STORIES);
  });

  it('answers 400 for endpoints the engine does not serve', async () => {
    const err = await rejection(call('rerank', STORIES, {}));
    expect(err.status).toBe(400);
  });
});

describe('chat templates and tokenizer', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi there' },
  ];

  it("renders the GGUF's own Qwen ChatML template and counts prompt tokens with the real tokenizer", async () => {
    const engine = await provider.engine(QWEN);
    const prompt = engine.applyChatTemplate(messages, { addGenerationPrompt: true });
    expect(prompt.text).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(engine.template.endOfTurn).toBe('<|im_end|>');
    const body = await json('chat.completions', QWEN, { messages, max_tokens: 3 });
    expect(body.usage.prompt_tokens).toBe(prompt.tokens.length);
    expect(body.usage.completion_tokens).toBe(3);
  });

  it('uses a chat_template from config, and ChatML as the fallback for a model without one', async () => {
    const custom = await provider.engine('custom-template');
    expect(custom.applyChatTemplate(messages, { addGenerationPrompt: true }).text).toBe(
      '[system] Be brief.\n[user] Hi there\n[assistant] ',
    );
    const plain = await provider.engine(STORIES);
    expect(plain.template.isFallback).toBe(true);
    expect(plain.applyChatTemplate(messages, { addGenerationPrompt: true }).text).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('tokenizes with and without BOS / special tokens and detokenizes back', async () => {
    const engine = await provider.engine(STORIES);
    const bos = engine.model.tokens.bos!;
    const withBos = engine.tokenize('Once upon a time', {
      addSpecialTokens: true,
      parseSpecialTokens: false,
    });
    const plain = engine.tokenize('Once upon a time', { addSpecialTokens: false, parseSpecialTokens: false });
    expect(withBos).toEqual([bos, ...plain]);
    expect(engine.detokenize(plain, false)).toBe('Once upon a time');
    expect(engine.detokenize(withBos, true)).toBe('<s> Once upon a time');
    expect(engine.tokenize('<s>Once', { addSpecialTokens: true, parseSpecialTokens: true })[0]).toBe(bos);
    expect(engine.tokenize('<s>Once', { addSpecialTokens: true, parseSpecialTokens: true })[1]).not.toBe(bos);
  });

  it('rejects image content parts with 400 naming the part', async () => {
    const err = await rejection(
      call('chat.completions', STORIES, {
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }],
      }),
    );
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages[0].content[0]');
  });
});

describe('generation', () => {
  const prompt = 'Once upon a time';

  it('cuts at a stop sequence that spans several tokens and never returns it', async () => {
    const full = await json('completions', STORIES, { prompt, max_tokens: 24, temperature: 0 });
    const text: string = full.choices[0].text;
    const stop = text.slice(12, 19);
    const cut = await json('completions', STORIES, {
      prompt,
      max_tokens: 24,
      temperature: 0,
      stop: ['zzz', stop],
    });
    expect(cut.choices[0].text).toBe(text.slice(0, text.indexOf(stop)));
    expect(cut.choices[0].finish_reason).toBe('stop');
    const streamed = await chunks('completions', STORIES, { prompt, max_tokens: 24, temperature: 0, stop });
    expect(streamed.map((c) => c.choices[0]?.text ?? '').join('')).toBe(text.slice(0, text.indexOf(stop)));
  });

  it('applies logit_bias: +100 forces a token, -100 bans the greedy choice', async () => {
    const engine = await provider.engine(STORIES);
    const [forced] = engine.tokenize('Lily', { addSpecialTokens: false, parseSpecialTokens: false });
    const body = await json('completions', STORIES, {
      prompt,
      max_tokens: 3,
      temperature: 0,
      logprobs: 0,
      logit_bias: { [String(forced)]: 100 },
    });
    expect(body.choices[0].logprobs.tokens).toEqual([' Lily', ' Lily', ' Lily']);
    expect(body.choices[0].text).toBe(' Lily Lily Lily');
    const greedy = await json('completions', STORIES, { prompt, max_tokens: 1, temperature: 0 });
    const promptTokens = engine.tokenize(prompt, { addSpecialTokens: false, parseSpecialTokens: false });
    const continued = engine.tokenize(prompt + greedy.choices[0].text, {
      addSpecialTokens: false,
      parseSpecialTokens: false,
    });
    const first = continued.slice(promptTokens.length);
    const banned = await json('completions', STORIES, {
      prompt,
      max_tokens: 1,
      temperature: 0,
      logit_bias: { [String(first[0])]: -100 },
    });
    expect(banned.choices[0].text).not.toBe(greedy.choices[0].text);
  });

  it('rejects a prompt longer than the context, naming its token count and the context size', async () => {
    const err = await rejection(
      call('completions', STORIES, { prompt: new Array(3000).fill(400), max_tokens: 1 }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain('2048');
    expect(err.message).toContain('3000');
  });

  it('stops a stream when the client aborts, and returns the sequence to the pool', async () => {
    const controller = new AbortSwitch();
    const res = await call(
      'completions',
      STORIES,
      { prompt, stream: true },
      { abort: controller, on: single },
    );
    if (res.kind !== 'chunks') throw new Error('expected chunks');
    let received = 0;
    const drained = (async () => {
      for await (const _ of res.chunks) {
        received++;
        if (received === 3) controller.abort();
      }
    })();
    await expect(drained).rejects.toThrow();
    expect(received).toBeLessThanOrEqual(4);
    const next = await call('completions', STORIES, { prompt, max_tokens: 2 }, { on: single });
    expect((next as Json).body.usage.completion_tokens).toBe(2);
  });

  it('without max_tokens generates to the end of the context (finish_reason length), never past it', async () => {
    const small = makeProvider({ models_dir: MODELS_DIR, context_size: 256, parallel: 1 });
    const body = await call('completions', STORIES, { prompt, temperature: 0 }, { on: small });
    const { usage, choices } = (body as Json).body;
    expect(usage.prompt_tokens).toBe(5);
    expect(usage.total_tokens).toBe(256);
    expect(choices[0].finish_reason).toBe('length');
    await small.close();
  });

  it('runs more requests than sequences by queueing, each with its own parameters', async () => {
    const budgets = [1, 2, 3, 4];
    const results = await Promise.all(
      budgets.map((max_tokens) => call('completions', STORIES, { prompt, max_tokens }, { on: single })),
    );
    expect(results.map((r) => (r as Json).body.usage.completion_tokens)).toEqual(budgets);
  });

  it('returns chat logprobs computed from the sampler, sorted, with the requested number of alternatives', async () => {
    const body = await json('chat.completions', QWEN, {
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 5,
      temperature: 0,
      logprobs: true,
      top_logprobs: 3,
    });
    const content: Json[] = body.choices[0].logprobs.content;
    expect(content).toHaveLength(body.usage.completion_tokens);
    expect(content.map((e) => e.token).join('')).toBe(body.choices[0].message.content);
    for (const entry of content) {
      expect(entry.top_logprobs).toHaveLength(3);
      expect(entry.top_logprobs[0].logprob).toBeGreaterThanOrEqual(entry.top_logprobs[1].logprob);
      expect(entry.logprob).toBe(entry.top_logprobs[0].logprob);
      expect(entry.bytes).toEqual([...Buffer.from(entry.token)]);
    }
    const sum = content[0].top_logprobs.reduce((s: number, e: Json) => s + Math.exp(e.logprob), 0);
    expect(sum).toBeLessThanOrEqual(1.000001);
  });

  it('enforces json_schema with a grammar, stopping once the value is complete', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 12 },
        age: { type: 'integer' },
        ok: { type: 'boolean' },
      },
      required: ['name', 'age', 'ok'],
      additionalProperties: false,
    };
    const body = await json('chat.completions', STORIES, {
      messages: [{ role: 'user', content: 'Give me JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema } },
      max_tokens: 60,
      temperature: 0,
    });
    expect(body.choices[0].finish_reason).toBe('stop');
    const value = JSON.parse(body.choices[0].message.content);
    expect(Object.keys(value)).toEqual(['name', 'age', 'ok']);
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
    expect(typeof value.ok).toBe('boolean');
  });

  it('forces a named tool call matching the parameters schema', async () => {
    const tools = [
      { type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {} } } },
      {
        type: 'function',
        function: {
          name: 'set_level',
          parameters: {
            type: 'object',
            properties: { level: { type: 'integer' }, unit: { enum: ['db', 'pct'] } },
          },
        },
      },
    ];
    const body = await json('chat.completions', QWEN, {
      messages: [{ role: 'user', content: 'Turn it up' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'set_level' } },
      max_tokens: 100,
    });
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const [toolCall] = choice.message.tool_calls;
    expect(toolCall.id).toMatch(/^call_/);
    expect(toolCall.function.name).toBe('set_level');
    const args = JSON.parse(toolCall.function.arguments);
    expect(Number.isInteger(args.level)).toBe(true);
    expect(['db', 'pct']).toContain(args.unit);
  });

  it('rejects tool_choice naming a tool that is not offered', async () => {
    const err = await rejection(
      call('chat.completions', STORIES, {
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'a' } }],
        tool_choice: { type: 'function', function: { name: 'b' } },
      }),
    );
    expect(err.param).toBe('tool_choice');
  });
});

describe('embeddings', () => {
  it('returns unit-length 64-dim vectors, the same for text and its token ids, in float and base64', async () => {
    const engine = await provider.engine(STORIES);
    const tokens = engine.tokenize('a happy dog', { addSpecialTokens: false, parseSpecialTokens: false });
    const floats = await json('embeddings', STORIES, { input: ['a happy dog', 'a sad cat'] });
    const vectors: number[][] = floats.data.map((d: Json) => d.embedding);
    expect(vectors.map((v) => v.length)).toEqual([64, 64]);
    expect(Math.hypot(...vectors[0]!)).toBeCloseTo(1, 5);
    expect(vectors[1]).not.toEqual(vectors[0]);
    const fromTokens = await json('embeddings', STORIES, { input: [tokens] });
    expect(fromTokens.data[0].embedding).toEqual(vectors[0]);
    expect(fromTokens.usage.prompt_tokens).toBe(tokens.length + 1);
    const encoded = await json('embeddings', STORIES, { input: 'a happy dog', encoding_format: 'base64' });
    const bytes = Buffer.from(encoded.data[0].embedding, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    decoded.forEach((v, i) => {
      expect(v).toBeCloseTo(vectors[0]![i]!, 6);
    });
  });
});
