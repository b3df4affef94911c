/**
 * The `vllm` platform against a fake vLLM (the gateway's scriptable fake upstream) answering as
 * the vLLM docs, OpenAI-Compatible Server (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html)
 * describe: extra fields sent top level, the default chat template, request ids, vLLM's own routes, multipart
 * transcriptions, and version-dependent rewriting of request fields.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../gateway/test/support/fake-upstream.js';
import { encodeImage, OpenAICompatibleClient, UnsupportedParamError } from '../src/index.js';

const completion = {
  id: 'chatcmpl-abc',
  object: 'chat.completion',
  created: 1735000000,
  model: 'm',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', stop_reason: null },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

let upstream: FakeUpstream;
let vllm: OpenAICompatibleClient<'vllm'>;
let version = '0.10.1';

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': (req) => ({
      json: completion,
      headers: { 'x-request-id': String(req.headers['x-request-id'] ?? 'generated') },
    }),
    'POST /v1/completions': {
      json: {
        ...completion,
        object: 'text_completion',
        choices: [{ index: 0, text: 'ok', finish_reason: 'stop' }],
      },
    },
    'GET /version': () => ({ json: { version } }),
    'GET /health': { status: 200, text: '' },
    'GET /v1/models': {
      json: {
        object: 'list',
        data: [{ id: 'm', object: 'model', created: 1, owned_by: 'vllm', max_model_len: 2048 }],
      },
    },
    'POST /tokenize': { json: { count: 2, max_model_len: 2048, tokens: [9707, 1879], token_strs: null } },
    'POST /detokenize': { json: { prompt: 'Hello world' } },
    'POST /pooling': {
      json: {
        id: 'pool-1',
        object: 'list',
        created: 1,
        model: 'm',
        data: [{ index: 0, object: 'pooling', data: [0.1, 0.2] }],
        usage: { prompt_tokens: 2, total_tokens: 2, completion_tokens: 0 },
      },
    },
    'POST /classify': {
      json: {
        id: 'classify-1',
        object: 'list',
        created: 1,
        model: 'm',
        data: [{ index: 0, label: 'Default', probs: [0.6, 0.4], num_classes: 2 }],
        usage: { prompt_tokens: 3, total_tokens: 3 },
      },
    },
    'POST /score': {
      json: {
        id: 'score-1',
        object: 'list',
        created: 1,
        model: 'm',
        data: [{ index: 0, object: 'score', score: 0.9 }],
        usage: { prompt_tokens: 5, total_tokens: 5 },
      },
    },
    'POST /rerank': {
      json: {
        id: 'rerank-1',
        model: 'm',
        usage: { total_tokens: 9 },
        results: [{ index: 1, document: { text: 'Paris', multi_modal: null }, relevance_score: 0.99 }],
      },
    },
    'POST /v2/rerank': { json: { id: 'rerank-2', model: 'm', usage: { total_tokens: 9 }, results: [] } },
    'POST /v1/audio/transcriptions': { json: { text: 'hello world' } },
    'POST /v1/embeddings': {
      json: {
        id: 'embd-1',
        object: 'list',
        created: 1,
        model: 'TIGER-Lab/VLM2Vec-Full',
        data: [{ index: 0, object: 'embedding', embedding: [0.5, -0.5] }],
        usage: { prompt_tokens: 7, total_tokens: 7 },
      },
    },
  });
  vllm = new OpenAICompatibleClient({
    baseURL: `${upstream.url}/v1`,
    apiKey: 'token-abc123',
    platform: 'vllm',
    vllm: { chatTemplate: '{{ messages }}' },
  });
});
afterAll(async () => {
  await vllm.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
  version = '0.10.1';
});

const sent = (path: string) => upstream.requests.find((r) => r.url === path)!;

describe('OpenAI routes with vLLM extras', () => {
  it('issue example: top_k sent top level, the default chat template, bearer auth, X-Request-Id', async () => {
    const r = await vllm.chat.completions.create(
      {
        model: 'NousResearch/Meta-Llama-3-8B-Instruct',
        messages: [{ role: 'user', content: 'Hello!' }],
        top_k: 50,
      },
      { requestId: 'req-42', extraBody: { vllm_xargs: { a: 1 } }, extraHeaders: { 'x-tenant': 't1' } },
    );
    const req = sent('/v1/chat/completions');
    expect(req.json).toEqual({
      model: 'NousResearch/Meta-Llama-3-8B-Instruct',
      messages: [{ role: 'user', content: 'Hello!' }],
      top_k: 50,
      chat_template: '{{ messages }}',
      vllm_xargs: { a: 1 },
    });
    expect(req.headers).toMatchObject({
      authorization: 'Bearer token-abc123',
      'x-request-id': 'req-42',
      'x-tenant': 't1',
    });
    expect(r.choices[0]!.message.content).toBe('ok');
    expect(r._request_id).toBe('req-42');
    expect(upstream.requests.map((q) => q.url)).toEqual(['/v1/chat/completions']);
  });

  it('chat-style embeddings (VLM2Vec): messages sent as given, with the configured chat template', async () => {
    const image = await encodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]));
    const r = await vllm.embeddings.create({
      model: 'TIGER-Lab/VLM2Vec-Full',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: image } },
            { type: 'text', text: 'Represent the given image.' },
          ],
        },
      ],
      encoding_format: 'float',
    });
    expect(r.data[0]!.embedding).toEqual([0.5, -0.5]);
    expect(sent('/v1/embeddings').json).toEqual({
      model: 'TIGER-Lab/VLM2Vec-Full',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoA' } },
            { type: 'text', text: 'Represent the given image.' },
          ],
        },
      ],
      encoding_format: 'float',
      chat_template: '{{ messages }}',
    });
  });

  it('models.retrieve finds the model in /v1/models and raises ModelNotFoundError otherwise', async () => {
    expect(await vllm.models.retrieve('m')).toMatchObject({ id: 'm', owned_by: 'vllm' });
    await expect(vllm.models.retrieve('other')).rejects.toMatchObject({ status: 404, model: 'other' });
  });

  it('uses the default model of the config when the call has none', async () => {
    const client = new OpenAICompatibleClient({ baseURL: upstream.url, platform: 'vllm', model: 'm' });
    await client.completions.create({ prompt: 'x' });
    await client.close();
    expect(sent('/v1/completions').json).toEqual({ model: 'm', prompt: 'x' });
    expect(sent('/v1/completions').headers.authorization).toBeUndefined();
  });
});

describe('version-dependent fields', () => {
  it('rewrites structured_outputs to guided_* for servers before 0.10.2', async () => {
    version = '0.9.2';
    await vllm.chat.completions.create({
      model: 'm',
      messages: [],
      structured_outputs: { choice: ['yes', 'no'] },
    });
    expect(sent('/v1/chat/completions').json).toMatchObject({ guided_choice: ['yes', 'no'] });
    expect(sent('/v1/chat/completions').json).not.toHaveProperty('structured_outputs');
  });

  it('rewrites guided_* to structured_outputs from 0.12.0, where guided_* would be ignored', async () => {
    version = '0.12.0';
    const client = new OpenAICompatibleClient({ baseURL: `${upstream.url}/v1`, platform: 'vllm' });
    await client.completions.create({ model: 'm', prompt: 'x', guided_regex: '[a-z]+' });
    await client.close();
    expect(sent('/v1/completions').json).toEqual({
      model: 'm',
      prompt: 'x',
      structured_outputs: { regex: '[a-z]+' },
    });
  });

  it('polices parallel_tool_calls: false before 0.11 and suffix always, probing the version once', async () => {
    const client = new OpenAICompatibleClient({ baseURL: upstream.url, platform: 'vllm' });
    await expect(
      client.chat.completions.create({ model: 'm', messages: [], parallel_tool_calls: false }),
    ).rejects.toBeInstanceOf(UnsupportedParamError);
    await expect(client.completions.create({ model: 'm', prompt: 'x', suffix: 'y' })).rejects.toThrow(
      'suffix is not supported on the vllm platform',
    );
    await client.chat.completions.create({ model: 'm', messages: [], structured_outputs: { regex: 'a' } });
    await client.close();
    expect(upstream.requests.map((q) => q.url)).toEqual(['/version', '/v1/chat/completions']);
    upstream.requests.length = 0;
    const dropping = new OpenAICompatibleClient({
      baseURL: upstream.url,
      platform: 'vllm',
      unsupportedParams: 'drop',
    });
    await dropping.completions.create({ model: 'm', prompt: 'x', suffix: 'y' });
    await dropping.close();
    expect(sent('/v1/completions').json).toEqual({ model: 'm', prompt: 'x' });
  });
});

describe('vLLM routes', () => {
  it('tokenizer encode (completion and chat style) and decode', async () => {
    const t = await vllm.tokenizer.encode({ model: 'm', prompt: 'Hello world', return_token_strs: false });
    expect(t.tokens).toEqual([9707, 1879]);
    await vllm.tokenizer.encode({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      add_generation_prompt: true,
    });
    const d = await vllm.tokenizer.decode({ model: 'm', tokens: [9707, 1879] });
    expect(d.prompt).toBe('Hello world');
    expect(upstream.requests.map((q) => [q.url, q.json])).toEqual([
      ['/tokenize', { model: 'm', prompt: 'Hello world', return_token_strs: false }],
      [
        '/tokenize',
        {
          model: 'm',
          messages: [{ role: 'user', content: 'hi' }],
          add_generation_prompt: true,
          chat_template: '{{ messages }}',
        },
      ],
      ['/detokenize', { model: 'm', tokens: [9707, 1879] }],
    ]);
  });

  it('pooling, classification, score, rerank v1 and v2', async () => {
    expect((await vllm.pooling.create({ model: 'm', input: 'x' })).data[0]!.data).toEqual([0.1, 0.2]);
    expect((await vllm.classification.create({ model: 'm', input: ['x'] })).data[0]!.label).toBe('Default');
    expect((await vllm.score.create({ model: 'm', text_1: 'q', text_2: ['a'] })).data[0]!.score).toBe(0.9);
    const rerank = await vllm.rerank.create({
      model: 'm',
      query: 'capital?',
      documents: ['Rome', 'Paris'],
      top_n: 1,
    });
    expect(rerank.results[0]).toMatchObject({ index: 1, relevance_score: 0.99 });
    await vllm.rerank.create({ model: 'm', query: 'q', documents: ['d'] }, { version: 'v2' });
    expect(upstream.requests.map((q) => q.url)).toEqual([
      '/pooling',
      '/classify',
      '/score',
      '/rerank',
      '/v2/rerank',
    ]);
    expect(sent('/v2/rerank').json).toEqual({ model: 'm', query: 'q', documents: ['d'] });
  });

  it('audio.transcriptions.create sends multipart from a path, a Buffer and a stream', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'client-audio-')), 'clip.wav');
    writeFileSync(file, 'RIFF-path-audio');
    const sources = [
      file,
      Buffer.from('RIFF-buffer-audio'),
      Readable.from([Buffer.from('RIFF-stream-audio')]),
    ];
    for (const source of sources) {
      const r = await vllm.audio.transcriptions.create({
        file: source,
        model: 'whisper',
        language: 'en',
        top_k: 5,
      });
      expect(r).toEqual({ text: 'hello world' });
    }
    const bodies = upstream.requests.map((q) => q.body.toString('latin1'));
    expect(upstream.requests[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(bodies[0]).toContain('filename="clip.wav"');
    expect(bodies[0]).toContain('RIFF-path-audio');
    expect(bodies[1]).toContain('RIFF-buffer-audio');
    expect(bodies[2]).toContain('RIFF-stream-audio');
    for (const body of bodies) {
      expect(body).toMatch(/name="model"\r\n\r\nwhisper\r\n/);
      expect(body).toMatch(/name="top_k"\r\n\r\n5\r\n/);
    }
  });

  it('version and health', async () => {
    expect(await vllm.version()).toEqual({ version: '0.10.1' });
    expect(await vllm.health()).toBe(true);
    upstream.route('GET /health', { status: 503, text: '' });
    expect(await vllm.health()).toBe(false);
    expect(upstream.requests.filter((q) => q.url === '/health')).toHaveLength(2);
    upstream.route('GET /health', { status: 200, text: '' });
  });
});
