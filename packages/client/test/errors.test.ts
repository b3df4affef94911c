/**
 * Error paths on every platform: the SDK's error classes from each server's error dialect, the two
 * subclasses, retries with backoff and Retry-After, connection failures and timeouts, and the
 * `unsupportedParams` policy.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../gateway/test/support/fake-upstream.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  MissingChatTemplateError,
  ModelNotFoundError,
  OpenAICompatibleClient,
  type Platform,
  RateLimitError,
  UnsupportedParamError,
} from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './support/fake-ollama.js';

let upstream: FakeUpstream;
let fake: FakeOllama;
const chat = { model: 'llama3.2', messages: [{ role: 'user' as const, content: 'x' }] };

beforeAll(async () => {
  upstream = await startFakeUpstream();
  fake = await startFakeOllama();
});
afterAll(async () => {
  await upstream.close();
  await fake.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
  fake.requests.length = 0;
  fake.version = '0.12.11';
});

function client<P extends Platform>(platform: P, extra: Record<string, unknown> = {}) {
  const baseURL = platform === 'ollama' ? fake.url : `${upstream.url}/v1`;
  return new OpenAICompatibleClient({ baseURL, platform, maxRetries: 0, ...extra } as { platform: P });
}

describe('error bodies of each dialect become the SDK classes', () => {
  it('vLLM ≥ 0.10.1 envelope with an integer code, and the flat pre-0.10.1 body', async () => {
    const message = 'This model only supports 2048 tokens';
    upstream.route('POST /v1/chat/completions', {
      status: 400,
      json: { error: { message, type: 'BadRequestError', param: null, code: 400 } },
    });
    const a = await client('vllm')
      .chat.completions.create(chat)
      .catch((e: unknown) => e);
    expect(a).toBeInstanceOf(BadRequestError);
    expect(a).toMatchObject({ status: 400, message: `400 ${message}`, type: 'BadRequestError', code: 400 });
    upstream.route('POST /v1/chat/completions', {
      status: 400,
      json: { object: 'error', message, type: 'BadRequestError', param: null, code: 400 },
    });
    const b = await client('vllm')
      .chat.completions.create(chat)
      .catch((e: unknown) => e);
    expect(b).toBeInstanceOf(BadRequestError);
    expect(b).toMatchObject({ message: `400 ${message}`, code: 400 });
  });

  it("vLLM's missing chat template is a MissingChatTemplateError (a BadRequestError)", async () => {
    const message =
      'As of transformers v4.44, default chat template is no longer allowed, so you must provide a chat template if the tokenizer does not define one.';
    upstream.route('POST /v1/chat/completions', {
      status: 400,
      json: { error: { message, type: 'BadRequestError', code: 400 } },
    });
    for (const platform of ['vllm', 'switchyard'] as const) {
      const e = await client(platform)
        .chat.completions.create(chat)
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(MissingChatTemplateError);
      expect(e).toBeInstanceOf(BadRequestError);
    }
  });

  it('another 400 that mentions a chat template stays a plain BadRequestError', async () => {
    const cases = [
      { message: "invalid chat template: expected token 'end of print statement', got '}'", missing: false },
      { message: 'chat_template_kwargs must be an object', missing: false },
      {
        message:
          'Cannot use chat template functions because tokenizer.chat_template is not set and no template argument was passed!',
        missing: true,
      },
    ];
    for (const { message, missing } of cases) {
      upstream.route('POST /v1/chat/completions', {
        status: 400,
        json: { error: { message, type: 'BadRequestError', code: 400 } },
      });
      const e = await client('vllm')
        .chat.completions.create(chat)
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(BadRequestError);
      expect(e instanceof MissingChatTemplateError).toBe(missing);
    }
  });

  it('vLLM --api-key 401 {"error":"Unauthorized"} is an AuthenticationError', async () => {
    upstream.route('POST /v1/chat/completions', { status: 401, json: { error: 'Unauthorized' } });
    const e = await client('vllm', { apiKey: 'wrong' })
      .chat.completions.create(chat)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toMatchObject({ message: '401 Unauthorized', type: 'authentication_error' });
  });

  it('a model that does not exist is a ModelNotFoundError on vLLM, OpenAI and Ollama', async () => {
    upstream.route('POST /v1/chat/completions', {
      status: 404,
      json: { error: { message: 'The model `gpt-9` does not exist.', type: 'NotFoundError', code: 404 } },
    });
    for (const platform of ['vllm', 'openai'] as const) {
      const e = await client(platform, { apiKey: 'k' })
        .chat.completions.create(chat)
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ModelNotFoundError);
      expect((e as ModelNotFoundError).model).toBe('gpt-9');
    }
    const e = await client('ollama')
      .chat.completions.create({ ...chat, model: 'qwen9' })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ModelNotFoundError);
    expect(e).toMatchObject({ model: 'qwen9', message: "404 model 'qwen9' not found, try pulling it first" });
  });

  it('Ollama {"error": "..."} 400 is a BadRequestError with the message', async () => {
    const e = await client('ollama')
      .chat.completions.create({ ...chat, model: '' })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e).toMatchObject({ message: '400 model is required', type: 'invalid_request_error' });
  });

  it('a non-JSON error body keeps its text', async () => {
    upstream.route('POST /v1/chat/completions', { status: 502, text: '<html>Bad Gateway</html>' });
    const e = await client('switchyard')
      .chat.completions.create(chat)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InternalServerError);
    expect((e as Error).message).toBe('502 <html>Bad Gateway</html>');
  });
});

describe('retries', () => {
  it('retries 429/503 honouring Retry-After, then succeeds (Ollama)', async () => {
    fake.failNext(
      { status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '0' } },
      { status: 503, body: { error: 'server busy, please try again.  maximum pending requests exceeded' } },
    );
    const started = Date.now();
    const r = await client('ollama', { maxRetries: 2 }).chat.completions.create(chat);
    expect(r.choices[0]!.message.content).toBe('The sky is blue.');
    expect(fake.requests.map((q) => q.path)).toEqual(['/api/chat', '/api/chat', '/api/chat']);
    // 0 s from Retry-After, then the SDK's backoff (≥ 0.75 s for the second retry with jitter)
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('waits the Retry-After seconds before retrying (vLLM)', async () => {
    let calls = 0;
    upstream.route('POST /v1/completions', () =>
      ++calls === 1
        ? { status: 429, json: { error: { message: 'rate limited' } }, headers: { 'retry-after': '1' } }
        : { json: { id: 'c', object: 'text_completion', created: 1, model: 'm', choices: [] } },
    );
    const started = Date.now();
    await client('vllm', { maxRetries: 1 }).completions.create({ model: 'm', prompt: 'x' });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a 400; gives up on 429 after maxRetries with a RateLimitError', async () => {
    fake.failNext({ status: 400, body: { error: 'invalid' } });
    await expect(client('ollama', { maxRetries: 2 }).models.list()).rejects.toBeInstanceOf(BadRequestError);
    expect(fake.requests).toHaveLength(1);
    fake.failNext(
      { status: 429, body: { error: 'a' }, headers: { 'retry-after': '0' } },
      { status: 429, body: { error: 'b' }, headers: { 'retry-after': '0' } },
    );
    await expect(client('ollama', { maxRetries: 1 }).models.list()).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a reset connection, then reports APIConnectionError', async () => {
    fake.failNext({ status: 0, reset: true });
    await client('ollama', { maxRetries: 1 }).version();
    expect(fake.requests).toHaveLength(2);
    fake.failNext({ status: 0, reset: true }, { status: 0, reset: true });
    await expect(client('ollama', { maxRetries: 1 }).version()).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('times out with APIConnectionTimeoutError', async () => {
    upstream.route('POST /v1/embeddings', { hang: true });
    await expect(
      client('vllm', { timeout: 200 }).embeddings.create({ model: 'm', input: 'x' }),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });
});

describe('unsupportedParams', () => {
  it("'error' (default) throws before sending: n > 1, tool_choice required, http image, logit_bias", async () => {
    const ollama = client('ollama');
    await expect(ollama.chat.completions.create({ ...chat, n: 2 })).rejects.toThrow(UnsupportedParamError);
    await expect(ollama.chat.completions.create({ ...chat, tool_choice: 'required' })).rejects.toMatchObject({
      param: 'tool_choice',
      platform: 'ollama',
    });
    await expect(
      ollama.chat.completions.create({
        ...chat,
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/cat.png' } }] },
        ],
      }),
    ).rejects.toMatchObject({ param: 'messages[0].content[0].image_url' });
    await expect(
      ollama.completions.create({ model: 'llama3.2', prompt: 'x', logit_bias: { '1': 5 } }),
    ).rejects.toThrow('logit_bias is not supported on the ollama platform');
    expect(fake.requests).toHaveLength(0);
  });

  it('logprobs are unsupported on Ollama before 0.12.11 (version probed once)', async () => {
    fake.version = '0.12.3';
    const ollama = client('ollama');
    await expect(ollama.chat.completions.create({ ...chat, logprobs: true })).rejects.toMatchObject({
      param: 'logprobs',
    });
    await ollama.chat.completions.create(chat);
    expect(fake.requests.map((q) => q.path)).toEqual(['/api/version', '/api/chat']);
  });

  it("'warn' drops with a warning and 'drop' drops silently", async () => {
    const warnings: string[] = [];
    const warn = new OpenAICompatibleClient(
      { baseURL: fake.url, platform: 'ollama', unsupportedParams: 'warn' },
      { logger: { warn: (m) => warnings.push(m) } },
    );
    await warn.chat.completions.create({ ...chat, n: 3, parallel_tool_calls: false });
    expect(warnings).toEqual([
      '@switchyard/client: dropped parallel_tool_calls (ollama: Ollama cannot limit a turn to one tool call)',
      '@switchyard/client: dropped n (ollama: Ollama returns one choice)',
    ]);
    const drop = client('ollama', { unsupportedParams: 'drop' });
    await drop.chat.completions.create({
      ...chat,
      n: 2,
      tool_choice: { type: 'function', function: { name: 'f' } },
    });
    for (const request of fake.requests) {
      expect(request.json).not.toHaveProperty('n');
      expect(request.json).not.toHaveProperty('tool_choice');
    }
  });

  it('token-array prompts cannot be sent to Ollama whatever the policy', async () => {
    await expect(
      client('ollama', { unsupportedParams: 'drop' }).completions.create({
        model: 'llama3.2',
        prompt: [[1, 2]],
      }),
    ).rejects.toMatchObject({ param: 'prompt' });
    await expect(
      client('ollama', { unsupportedParams: 'drop' }).embeddings.create({ model: 'llama3.2', input: [1, 2] }),
    ).rejects.toMatchObject({ param: 'input' });
  });
});
