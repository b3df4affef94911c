/**
 * vLLM's extra endpoints on the embedded engine, end to end through a real gateway process serving the
 * shared GGUF models (shared/models): `/tokenize` (completion and chat style), `/detokenize`, `/pooling`,
 * and the clear 400 of `/rerank`, `/score` and `/classify` on generative models.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from './support/gateway-process.js';

const STORIES = 'stories260K';
const QWEN = 'stories260K-qwen2.5-chat-template';
const LLAMA2 = 'llama-2-tiny-random';
const TEXT = 'Once upon a time, there was a cat.';

let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { log_level: 'warn' },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR, parallel: 1 } },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

interface Tokenized {
  count: number;
  max_model_len: number;
  tokens: number[];
  token_strs: string[] | null;
}

async function post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(gateway.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe('embedded: tokenize and detokenize', () => {
  it('lists tokenize among the capabilities, with max_model_len', async () => {
    const res = await fetch(`${gateway.url}/v1/models`);
    const { data } = (await res.json()) as {
      data: { id: string; capabilities: string[]; max_model_len: number }[];
    };
    const stories = data.find((m) => m.id === STORIES)!;
    expect(stories.capabilities).toContain('tokenize');
    expect(stories.max_model_len).toBe(2048);
  });

  it.each([STORIES, LLAMA2])('round-trips text through tokenize and detokenize on %s', async (model) => {
    for (const text of [TEXT, 'Héllo wörld,\nnew line']) {
      const tokenized = await post<Tokenized>('/tokenize', {
        model,
        prompt: text,
        add_special_tokens: false,
      });
      expect(tokenized.status).toBe(200);
      expect(tokenized.body.count).toBe(tokenized.body.tokens.length);
      const detokenized = await post<{ prompt: string }>('/detokenize', {
        model,
        tokens: tokenized.body.tokens,
      });
      expect(detokenized.body).toEqual({ prompt: text });
    }
  });

  it('adds BOS by default and returns the vocabulary pieces as token_strs', async () => {
    const withBos = await post<Tokenized>('/tokenize', {
      model: STORIES,
      prompt: TEXT,
      return_token_strs: true,
    });
    const without = await post<Tokenized>('/tokenize', {
      model: STORIES,
      prompt: TEXT,
      add_special_tokens: false,
    });
    expect(withBos.body.tokens).toEqual([1, ...without.body.tokens]);
    expect(withBos.body.count).toBe(withBos.body.tokens.length);
    expect(withBos.body.max_model_len).toBe(2048);
    expect(withBos.body.token_strs).toHaveLength(withBos.body.count);
    expect(withBos.body.token_strs!.slice(0, 3)).toEqual(['<s>', '▁Once', '▁upon']);
    expect(without.body.token_strs).toBeNull();
    const detokenized = await post<{ prompt: string }>('/detokenize', {
      model: STORIES,
      tokens: withBos.body.tokens,
    });
    expect(detokenized.body.prompt).toBe(`<s> ${TEXT}`);
  });

  it("counts the chat template's tokens in chat-style tokenize", async () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const chat = await post<Tokenized>('/tokenize', { model: QWEN, messages });
    expect(chat.status).toBe(200);
    expect(chat.body.count).toBe(chat.body.tokens.length);
    // The Qwen2.5 template as rendered by Hugging Face (default system prompt, generation prompt at the end).
    const rendered =
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
      '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n';
    const plain = await post<Tokenized>('/tokenize', {
      model: QWEN,
      prompt: rendered,
      add_special_tokens: false,
    });
    expect(chat.body.tokens).toEqual(plain.body.tokens);
    const bare = await post<Tokenized>('/tokenize', { model: QWEN, prompt: 'hi', add_special_tokens: false });
    expect(chat.body.count).toBeGreaterThan(bare.body.count + 20);

    const noPrompt = await post<Tokenized>('/tokenize', {
      model: QWEN,
      messages,
      add_generation_prompt: false,
    });
    expect(noPrompt.body.count).toBeLessThan(chat.body.count);
    expect(chat.body.tokens.slice(0, noPrompt.body.count)).toEqual(noPrompt.body.tokens);
  });

  it('refuses token ids outside the vocabulary and a per-request chat template', async () => {
    const bad = await post<{ error: { param: string } }>('/detokenize', {
      model: STORIES,
      tokens: [1, 99999],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('tokens');
    const template = await post<{ error: { param: string } }>('/tokenize', {
      model: QWEN,
      messages: [{ role: 'user', content: 'hi' }],
      chat_template: '{{ messages }}',
    });
    expect(template.status).toBe(400);
    expect(template.body.error.param).toBe('chat_template');
  });
});

describe('embedded: pooling', () => {
  it('returns the same vectors as /v1/embeddings, in vLLM pooling shape', async () => {
    const input = ['a cat sat on the mat', 'the dog ran'];
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const embeddings = await client.embeddings.create({ model: STORIES, input, encoding_format: 'float' });
    const pooled = await post<{
      id: string;
      object: string;
      model: string;
      data: { index: number; object: string; data: number[] }[];
      usage: Record<string, unknown>;
    }>('/pooling', { model: STORIES, input });
    expect(pooled.status).toBe(200);
    expect(pooled.body.id).toMatch(/^pool-/);
    expect(pooled.body.object).toBe('list');
    expect(pooled.body.model).toBe(STORIES);
    expect(pooled.body.data.map((d) => d.object)).toEqual(['pooling', 'pooling']);
    expect(pooled.body.data.map((d) => d.data)).toEqual(embeddings.data.map((d) => d.embedding));
    expect(pooled.body.data[0]!.data).toHaveLength(64);
    expect(pooled.body.usage).toEqual({
      prompt_tokens: embeddings.usage.prompt_tokens,
      total_tokens: embeddings.usage.total_tokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    });
  });
});

describe('embedded: rerank, score and classify', () => {
  it.each([
    ['/rerank', 'reranker', { query: 'q', documents: ['a', 'b'] }],
    ['/v2/rerank', 'reranker', { query: 'q', documents: ['a'] }],
    ['/score', 'reranker', { text_1: 'a', text_2: ['b'] }],
    ['/classify', 'classifier', { input: 'a' }],
  ])('%s answers 400: the model is not a %s', async (path, kind, fields) => {
    const res = await post<{ error: { message: string; param: string; code: string } }>(path, {
      model: STORIES,
      ...fields,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`model '${STORIES}' is not a ${kind}`);
    expect(res.body.error.param).toBe('model');
  });
});
