/**
 * End to end against real weights: a `switchyard serve` process running the embedded engine on
 * shared/models (`providers: {local: {type: embedded, models_dir}}`), used through the `switchyard` platform and
 * the `vllm` platform (the gateway's OpenAI routes accept vLLM's sampling extras), and the `ollama` platform on the
 * gateway's Ollama-native routes (`/api/*`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GatewayProcess,
  MODELS_DIR,
  startGatewayProcess,
} from '../../gateway/test/support/gateway-process.js';
import { BadRequestError, ModelNotFoundError, OpenAICompatibleClient } from '../src/index.js';

const STORIES = 'stories260K';
const QWEN = 'stories260K-qwen2.5-chat-template';
const messages = [{ role: 'user' as const, content: 'Tell me a story about a cat.' }];

let gateway: GatewayProcess;
let switchyard: OpenAICompatibleClient<'switchyard'>;
let vllm: OpenAICompatibleClient<'vllm'>;
let ollama: OpenAICompatibleClient<'ollama'>;

beforeAll(async () => {
  gateway = await startGatewayProcess({ providers: { local: { type: 'embedded', models_dir: MODELS_DIR } } });
  switchyard = new OpenAICompatibleClient({ baseURL: gateway.url, platform: 'switchyard', maxRetries: 0 });
  vllm = new OpenAICompatibleClient({
    baseURL: `${gateway.url}/v1`,
    platform: 'vllm',
    model: STORIES,
    maxRetries: 0,
  });
  ollama = new OpenAICompatibleClient({ baseURL: gateway.url, platform: 'ollama', maxRetries: 0 });
});

afterAll(async () => {
  await switchyard?.close();
  await vllm?.close();
  await ollama?.close();
  await gateway?.stop();
});

describe('switchyard platform on the embedded engine', () => {
  it('lists the GGUF models', async () => {
    const page = await switchyard.models.list();
    expect(page.data.map((m) => m.id).sort()).toEqual(['llama-2-tiny-random', STORIES, QWEN].sort());
  });

  it('streams the same text as the non-streamed chat answer at temperature 0', async () => {
    const params = { model: QWEN, messages, max_tokens: 10, temperature: 0 };
    const plain = await switchyard.chat.completions.create(params);
    const stream = await switchyard.chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(plain.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(text).toBe(plain.choices[0]!.message.content);
    expect(usage).toMatchObject({ completion_tokens: plain.usage!.completion_tokens });
  });

  it('embeds text as 64-dimensional unit vectors (SDK base64 path and explicit floats agree)', async () => {
    const decoded = await switchyard.embeddings.create({ model: STORIES, input: ['a cat', 'a dog'] });
    const floats = await switchyard.embeddings.create({
      model: STORIES,
      input: ['a cat', 'a dog'],
      encoding_format: 'float',
    });
    expect(decoded.data).toHaveLength(2);
    expect(decoded.data[0]!.embedding).toHaveLength(64);
    expect(Math.hypot(...decoded.data[0]!.embedding)).toBeCloseTo(1, 4);
    expect(decoded.data[1]!.embedding[0]).toBeCloseTo(floats.data[1]!.embedding[0]!, 5);
  });

  it('maps gateway errors: unknown model, invalid max_tokens', async () => {
    await expect(switchyard.completions.create({ model: 'nope', prompt: 'x' })).rejects.toBeInstanceOf(
      ModelNotFoundError,
    );
    await expect(
      switchyard.completions.create({ model: STORIES, prompt: 'x', max_tokens: -1 }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('vllm platform on the gateway OpenAI routes', () => {
  it('completes text with vLLM sampling extras and the default model, streaming too', async () => {
    const c = await vllm.completions.create({
      prompt: 'Once upon a time',
      max_tokens: 8,
      temperature: 0,
      top_k: 1,
    });
    expect(c.choices[0]!.text.length).toBeGreaterThan(0);
    const stream = await vllm.completions.create({
      prompt: 'Once upon a time',
      max_tokens: 8,
      temperature: 0,
      top_k: 1,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(c.choices[0]!.text);
  });

  it('reports a missing model through models.retrieve', async () => {
    expect((await vllm.models.retrieve(STORIES)).id).toBe(STORIES);
    await expect(vllm.models.retrieve('absent')).rejects.toBeInstanceOf(ModelNotFoundError);
  });
});

describe("vLLM's own routes through the gateway on the embedded engine", () => {
  it('tokenizer.encode → tokenizer.decode round-trips the text', async () => {
    const text = 'Once upon a time there was a cat.';
    const encoded = await switchyard.tokenizer.encode({
      model: STORIES,
      prompt: text,
      add_special_tokens: false,
    });
    expect(encoded.count).toBe(encoded.tokens.length);
    expect(encoded.max_model_len).toBe(2048);
    const decoded = await switchyard.tokenizer.decode({ model: STORIES, tokens: encoded.tokens });
    expect(decoded.prompt).toBe(text);
  });

  it('pooling gives the same vector as embeddings', async () => {
    const pooled = await switchyard.pooling.create({ model: STORIES, input: 'a small dog' });
    const embedded = await switchyard.embeddings.create({
      model: STORIES,
      input: 'a small dog',
      encoding_format: 'float',
    });
    expect(pooled.data[0]!.data).toEqual(embedded.data[0]!.embedding);
  });

  it('rerank on a model that is not a reranker is a BadRequestError', async () => {
    await expect(
      switchyard.rerank.create({ model: STORIES, query: 'cat', documents: ['a cat', 'a dog'] }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe("ollama platform on the gateway's Ollama routes", () => {
  it('version, health, models.list (/api/tags) and models.info (/api/show)', async () => {
    expect((await ollama.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await ollama.health()).toBe(true);
    const page = await ollama.models.list();
    expect(page.data.map((m) => m.id)).toContain(QWEN);
    expect(page.models.find((m) => m.name === QWEN)?.digest).toMatch(/^[0-9a-f]{64}$/);
    const info = await ollama.models.info({ model: QWEN });
    expect(info.details?.format).toBe('gguf');
    expect((await ollama.models.retrieve(QWEN)).id).toBe(QWEN);
  });

  it('chat (/api/chat), streamed and whole, with usage and timing metrics from the final line', async () => {
    const params = { model: QWEN, messages, max_tokens: 8, temperature: 0 };
    const whole = await ollama.chat.completions.create(params);
    expect(whole.object).toBe('chat.completion');
    expect(whole.usage!.completion_tokens).toBeGreaterThan(0);
    expect(whole.eval_count).toBe(whole.usage!.completion_tokens);
    expect(whole.total_duration).toBeGreaterThan(0);
    const stream = await ollama.chat.completions.create({ ...params, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(whole.choices[0]!.message.content);
  });

  it('completions (/api/generate) with the length finish', async () => {
    const c = await ollama.completions.create({ model: STORIES, prompt: 'Once upon a time', max_tokens: 5 });
    expect(c.object).toBe('text_completion');
    expect(c.choices[0]!.text.length).toBeGreaterThan(0);
    expect(c.choices[0]!.finish_reason).toBe('length');
    expect(c.usage!.completion_tokens).toBe(5);
  });

  it('a model the gateway does not have is a ModelNotFoundError', async () => {
    await expect(ollama.chat.completions.create({ model: 'nope', messages })).rejects.toBeInstanceOf(
      ModelNotFoundError,
    );
  });
});
