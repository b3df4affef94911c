/**
 * The `ollama` platform's common endpoints against the fake Ollama (native routes): OpenAI shapes out of
 * `/api/chat`, `/api/generate`, `/api/embed` and `/api/tags`, streamed and not, and what is sent upstream.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleClient } from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './support/fake-ollama.js';
import { DEFAULT_REPLY } from './support/fake-ollama-replies.js';

let fake: FakeOllama;
let ollama: OpenAICompatibleClient<'ollama'>;

beforeAll(async () => {
  fake = await startFakeOllama();
  ollama = new OpenAICompatibleClient({ baseURL: fake.url, platform: 'ollama' });
});
afterAll(async () => {
  await ollama.close();
  await fake.close();
});
afterEach(() => {
  fake.reply = DEFAULT_REPLY;
  fake.requests.length = 0;
});

const last = () => fake.requests[fake.requests.length - 1]!;

describe('issue example', () => {
  it('completions.create with Ollama options, and models.list with data and native models', async () => {
    const c = await ollama.completions.create({
      model: 'llama3.2',
      prompt: 'Why is the sky blue?',
      stream: false,
      options: { seed: 123 },
    });
    const tags = await ollama.models.list();
    expect(c.choices[0]!.text).toBe('The sky is blue.');
    expect(c.object).toBe('text_completion');
    expect(c.choices[0]!.finish_reason).toBe('stop');
    expect(c.usage).toEqual({ prompt_tokens: 26, completion_tokens: 3, total_tokens: 29 });
    expect(c.context).toEqual([1, 2, 3]);
    expect(c).toMatchObject({ total_duration: 912000000, eval_count: 3, eval_duration: 700000000 });
    expect(tags.data.map((m) => m.id)).toEqual(['llama3.2:latest']);
    expect(tags.models.map((m) => m.name)).toEqual(['llama3.2:latest']);
    expect(tags.data[0]).toEqual({
      id: 'llama3.2:latest',
      object: 'model',
      created: 1746100800,
      owned_by: 'library',
    });
    const generate = fake.requests.find((r) => r.path === '/api/generate')!;
    expect(generate.json).toEqual({
      model: 'llama3.2',
      prompt: 'Why is the sky blue?',
      options: { seed: 123 },
      stream: false,
    });
  });
});

describe('chat.completions.create', () => {
  it('maps the request to /api/chat: options, format, think, images, tool history', async () => {
    await ollama.chat.completions.create({
      model: 'llama3.2',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is ' },
            { type: 'text', text: 'this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"at":"image"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      max_completion_tokens: 20,
      temperature: 0.2,
      stop: 'END',
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      reasoning_effort: 'minimal',
      keep_alive: '10m',
      tools: [{ type: 'function', function: { name: 'look', parameters: { type: 'object' }, strict: true } }],
    });
    expect(last().json).toEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is this?', images: ['iVBORw0KGgo='] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'call_1', function: { name: 'look', arguments: { at: 'image' } } }],
        },
        { role: 'tool', content: 'a cat', tool_call_id: 'call_1', tool_name: 'look' },
      ],
      tools: [{ type: 'function', function: { name: 'look', parameters: { type: 'object' } } }],
      options: { num_predict: 20, temperature: 0.2, stop: ['END'] },
      format: { type: 'object' },
      think: 'low',
      keep_alive: '10m',
      stream: false,
    });
  });

  it('returns a chat.completion with string tool arguments, reasoning and usage', async () => {
    fake.reply = {
      thinking: ['Checking the weather.'],
      toolCalls: [{ function: { index: 0, name: 'get_weather', arguments: { city: 'Tokyo' } } }],
      promptEvalCount: 10,
    };
    const r = await ollama.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    const choice = r.choices[0]!;
    expect(r.object).toBe('chat.completion');
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.created).toBe(1735812000);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[a-z0-9]{8}$/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      },
    ]);
    expect((choice.message as unknown as { reasoning: string }).reasoning).toBe('Checking the weather.');
    expect(r.usage).toEqual({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
  });

  it('streams NDJSON as OpenAI chunks: role first, deltas, finish chunk, usage chunk', async () => {
    const stream = await ollama.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(last().json).toMatchObject({ stream: true });
    expect(last().json).not.toHaveProperty('stream_options');
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: 'The' },
      { content: ' sky' },
      { content: ' is blue.' },
      {},
      undefined,
    ]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([null, null, null, 'stop', null]);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.created))).toEqual(new Set([1735812000]));
    expect(chunks[3]!.usage).toBeNull();
    expect(chunks[3]).toMatchObject({ total_duration: 912000000, eval_duration: 700000000 });
    expect(chunks[4]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 26, completion_tokens: 3, total_tokens: 29 },
    });
  });

  it('abort() ends an Ollama stream quietly, like the SDK ends its SSE streams', async () => {
    const stream = await ollama.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const deltas: unknown[] = [];
    for await (const chunk of stream) {
      deltas.push(chunk.choices[0]?.delta);
      stream.abort();
    }
    expect(deltas).toEqual([{ role: 'assistant', content: 'The' }]);
  });

  it('streams a tool call whole in one delta and finishes with tool_calls', async () => {
    fake.reply = {
      toolCalls: [
        { id: 'call_k3x9a0qz', function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo' } } },
      ],
    };
    const stream = await ollama.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      {
        index: 0,
        id: 'call_k3x9a0qz',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('maps logprobs both ways and length finish', async () => {
    fake.reply = { content: ['Hi'], logprobs: true, doneReason: 'length' };
    const r = await ollama.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'x' }],
      logprobs: true,
      top_logprobs: 1,
    });
    expect(fake.requests.find((q) => q.path === '/api/chat')!.json).toMatchObject({
      logprobs: true,
      top_logprobs: 1,
    });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.choices[0]!.logprobs!.content).toEqual([
      {
        token: 'Hi',
        logprob: -0.5,
        bytes: [72, 105],
        top_logprobs: [{ token: 'Hi', logprob: -0.5, bytes: null }],
      },
    ]);
  });

  it('raises an APIError for an error line after the stream started', async () => {
    fake.reply = { content: ['partial'], errorAfter: 'an error was encountered while running the model' };
    const stream = await ollama.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const seen: string[] = [];
    await expect(async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    }).rejects.toThrow('an error was encountered while running the model');
    expect(seen).toEqual(['partial']);
  });
});

describe('completions.create', () => {
  it('streams text_completion chunks with finish_reason on the last and a usage chunk', async () => {
    const stream = await ollama.completions.create({
      model: 'llama3.2',
      prompt: 'Once',
      suffix: 'end',
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(last().json).toMatchObject({ prompt: 'Once', suffix: 'end', stream: true });
    expect(chunks.map((c) => c.choices[0]?.text)).toEqual(['The', ' sky', ' is blue.', '', undefined]);
    expect(chunks[3]!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks[3]).toMatchObject({ context: [1, 2, 3], total_duration: 912000000 });
    expect(chunks[2]!.context).toBeUndefined();
    expect(chunks[4]!.usage).toEqual({ prompt_tokens: 26, completion_tokens: 3, total_tokens: 29 });
  });

  it('turns integer logprobs into the parallel arrays', async () => {
    fake.reply = { content: ['Hi', ' there'], logprobs: true };
    const c = await ollama.completions.create({ model: 'llama3.2', prompt: 'x', logprobs: 1 });
    expect(c.choices[0]!.logprobs).toEqual({
      tokens: ['Hi', ' there'],
      token_logprobs: [-0.5, -0.5],
      top_logprobs: [{ Hi: -0.5 }, { ' there': -0.5 }],
      text_offset: [0, 2],
    });
  });
});

describe('embeddings.create', () => {
  it('returns an OpenAI embedding list from /api/embed', async () => {
    const r = await ollama.embeddings.create({ model: 'llama3.2', input: ['a', 'b'], dimensions: 3 });
    expect(last().json).toEqual({ model: 'llama3.2', input: ['a', 'b'], dimensions: 3 });
    expect(r.data.map((d) => d.index)).toEqual([0, 1]);
    expect(r.data[0]!.embedding).toHaveLength(3);
    expect(Math.hypot(...r.data[0]!.embedding)).toBeCloseTo(1, 6);
    expect(r.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
  });

  it('encodes base64 (little-endian float32) when asked, as a server would', async () => {
    const floats = await ollama.embeddings.create({ model: 'llama3.2', input: 'a' });
    const b64 = await ollama.embeddings.create({ model: 'llama3.2', input: 'a', encoding_format: 'base64' });
    const bytes = Uint8Array.from(Buffer.from(b64.data[0]!.embedding as unknown as string, 'base64'));
    const decoded = new Float32Array(bytes.buffer);
    expect([...decoded].map((x) => Number(x.toFixed(5)))).toEqual(
      floats.data[0]!.embedding.map((x) => Number(x.toFixed(5))),
    );
  });
});

describe('models', () => {
  it('retrieve reads /api/show and raises ModelNotFoundError for a missing model', async () => {
    const m = await ollama.models.retrieve('llama3.2:latest');
    expect(m).toEqual({ id: 'llama3.2:latest', object: 'model', created: 1746100800, owned_by: 'library' });
    const error = await ollama.models.retrieve('nope').catch((e: unknown) => e);
    const { ModelNotFoundError, NotFoundError } = await import('../src/index.js');
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, model: 'nope', message: "404 model 'nope' not found" });
  });
});

describe('connection pool', () => {
  it('keeps connections alive: 10 sequential calls open at most 2 sockets', async () => {
    const client = new OpenAICompatibleClient({ baseURL: fake.url, platform: 'ollama' });
    for (let i = 0; i < 10; i++) await client.models.list();
    await client.close();
    expect(fake.requests).toHaveLength(10);
    expect(new Set(fake.requests.map((r) => r.remotePort)).size).toBeLessThanOrEqual(2);
  });

  it('gives each client its own pool, sized by maxConnections', async () => {
    const a = new OpenAICompatibleClient({ baseURL: fake.url, platform: 'ollama', maxConnections: 1 });
    const b = new OpenAICompatibleClient({ baseURL: fake.url, platform: 'ollama', maxConnections: 1 });
    await Promise.all([a.models.list(), a.version(), a.models.list()]);
    const portsA = new Set(fake.requests.map((r) => r.remotePort));
    await b.models.list();
    await Promise.all([a.close(), b.close()]);
    expect(portsA.size).toBe(1);
    expect(portsA.has(fake.requests[3]!.remotePort)).toBe(false);
  });
});
