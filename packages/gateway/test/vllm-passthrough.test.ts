/**
 * vLLM's extra endpoints through a real gateway process to a recording fake vLLM server (answers from
 * shared/api/vllm.md §3): every route reaches vLLM's path at the server root with the client's bytes unchanged
 * (unknown fields included), and vLLM's answer comes back unchanged. Multipart transcriptions are streamed
 * byte for byte, whichever side of the file the `model` field is on.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';

const KEY = 'sk-gateway-test';
const MODEL = 'qwen';
const usage = { prompt_tokens: 7, total_tokens: 7, completion_tokens: 0, prompt_tokens_details: null };

/** Each route: client path, vLLM path, request body (as raw text, with odd spacing), vLLM's answer. */
const ROUTES: { path: string; upstreamPath: string; body: string; answer: unknown }[] = [
  {
    path: '/tokenize',
    upstreamPath: '/tokenize',
    body: `{"model":"${MODEL}",  "prompt": "Hello world", "return_token_strs": true, "future_flag": 1}`,
    answer: { count: 2, max_model_len: 32768, tokens: [9707, 1879], token_strs: ['Hello', 'Ġworld'] },
  },
  {
    path: '/tokenize',
    upstreamPath: '/tokenize',
    body: `{"model":"${MODEL}","messages":[{"role":"user","content":"Hi"}],"add_generation_prompt":true,"chat_template_kwargs":{"enable_thinking":false}}`,
    answer: {
      count: 9,
      max_model_len: 32768,
      tokens: [151644, 872, 198, 13048, 151645, 198, 151644, 77091, 198],
      token_strs: null,
    },
  },
  {
    path: '/detokenize',
    upstreamPath: '/detokenize',
    body: `{"model":"${MODEL}","tokens":[9707,1879]}`,
    answer: { prompt: 'Hello world' },
  },
  {
    path: '/pooling',
    upstreamPath: '/pooling',
    body: `{"model":"${MODEL}","input":"reward me","task":"token_embed","priority":0}`,
    answer: {
      id: 'pool-3f1c',
      object: 'list',
      created: 1735000000,
      model: MODEL,
      data: [
        {
          index: 0,
          object: 'pooling',
          data: [
            [0.12, -0.4],
            [0.03, 0.9],
          ],
        },
      ],
      usage,
    },
  },
  {
    path: '/classify',
    upstreamPath: '/classify',
    body: `{"model":"${MODEL}","input":["nice","awful"],"use_activation":true}`,
    answer: {
      id: 'classify-7c87',
      object: 'list',
      created: 1745383065,
      model: MODEL,
      data: [{ index: 0, label: 'Default', probs: [0.57, 0.43], num_classes: 2 }],
      usage,
    },
  },
  ...['/score', '/v1/score'].map((path) => ({
    path,
    upstreamPath: '/score',
    body: `{"model":"${MODEL}","text_1":"capital of France?","text_2":["Paris.","Cows."],"truncate_prompt_tokens":-1}`,
    answer: {
      id: 'score-8a2e',
      object: 'list',
      created: 1735000000,
      model: MODEL,
      data: [
        { index: 0, object: 'score', score: 0.998 },
        { index: 1, object: 'score', score: 0.0011 },
      ],
      usage,
    },
  })),
  ...['/rerank', '/v1/rerank', '/v2/rerank'].map((path) => ({
    path,
    upstreamPath: '/rerank',
    body: `{"model":"${MODEL}","query":"capital of France?","documents":["Brasilia is in Brazil.","Paris is the capital of France."],"top_n":1,"return_documents":true}`,
    answer: {
      id: 'rerank-fae5',
      model: MODEL,
      usage: { total_tokens: 56 },
      results: [
        {
          index: 1,
          document: { text: 'Paris is the capital of France.', multi_modal: null },
          relevance_score: 0.9985,
        },
      ],
    },
  })),
];

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let spoolDir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': {
      json: {
        object: 'list',
        data: [
          {
            id: MODEL,
            object: 'model',
            created: 1735000000,
            owned_by: 'vllm',
            root: '/models/qwen',
            max_model_len: 32768,
          },
        ],
      },
    },
    'POST /v1/audio/transcriptions': (req) =>
      req.body.includes('name="stream"\r\n\r\ntrue')
        ? { fixture: 'vllm/transcription-stream.sse' }
        : { json: { text: 'Hello world.' } },
  });
  for (const route of ROUTES)
    upstream.route(`POST ${route.upstreamPath}`, (req) => ({ json: answerFor(req.body) }));
  spoolDir = mkdtempSync(join(tmpdir(), 'switchyard-spool-test-'));
  gateway = await startGatewayProcess(
    {
      server: { api_keys: [KEY], log_level: 'warn', body_limit: '2mib' },
      providers: {
        vllm: { type: 'vllm', base_url: `${upstream.url}/v1`, api_key: 'upstream-key' },
        studio: { type: 'lmstudio', base_url: `${upstream.url}/v1`, discover: false },
        local: { type: 'ollama', base_url: upstream.url, discover: false },
      },
      models: [
        { id: 'renamed', deployments: [{ provider: 'vllm', model: MODEL }] },
        { id: 'studio-model', deployments: [{ provider: 'studio' }] },
        { id: 'ollama-model', deployments: [{ provider: 'local' }] },
      ],
    },
    { TMPDIR: spoolDir },
  );
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

/** The fake answers each route with the answer of the ROUTES entry whose body it received. */
function answerFor(body: Buffer): unknown {
  const json = JSON.parse(body.toString()) as { model: string };
  const route = ROUTES.find((r) => {
    const expected = JSON.parse(r.body) as { model: string };
    return JSON.stringify({ ...expected, model: json.model }) === JSON.stringify(json);
  });
  return route?.answer ?? { error: 'no such request in ROUTES' };
}

function postRaw(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(gateway.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('vLLM passthrough: JSON routes', () => {
  for (const route of ROUTES) {
    it(`POST ${route.path} reaches vLLM ${route.upstreamPath} unchanged and answers unchanged`, async () => {
      const from = upstream.requests.length;
      const res = await postRaw(route.path, route.body);
      const text = await res.text();
      expect(res.status).toBe(200);
      const received = upstream.requests.slice(from);
      expect(received).toHaveLength(1);
      expect(received[0]!.url).toBe(route.upstreamPath);
      expect(received[0]!.body.toString()).toBe(route.body);
      expect(received[0]!.headers.authorization).toBe('Bearer upstream-key');
      expect(text).toBe(JSON.stringify(route.answer));
      expect(res.headers.get('content-type')).toContain('application/json');
    });
  }

  it('replaces only the model name when the deployment renames the model', async () => {
    const from = upstream.requests.length;
    const res = await postRaw('/detokenize', '{"model":"renamed","tokens":[9707,1879]}');
    expect(await res.json()).toEqual({ prompt: 'Hello world' });
    expect(upstream.requests[from]!.json).toEqual({ model: MODEL, tokens: [9707, 1879] });
  });

  it("returns vLLM's errors in the OpenAI envelope with vLLM's status", async () => {
    upstream.route('POST /classify', {
      status: 400,
      json: {
        object: 'error',
        message: 'This model does not support classification',
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    });
    const res = await postRaw('/classify', `{"model":"${MODEL}","input":"x"}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error.message).toBe('This model does not support classification');
  });

  it('lists max_model_len from vLLM /v1/models', async () => {
    const res = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    const { data } = (await res.json()) as { data: Record<string, unknown>[] };
    expect(data.find((m) => m.id === MODEL)?.max_model_len).toBe(32768);
  });

  it('answers /version with the gateway version', async () => {
    const res = await fetch(`${gateway.url}/version`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await res.json()).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});

describe('vLLM extras: validation, auth and unsupported providers', () => {
  it('requires the API key', async () => {
    const res = await fetch(`${gateway.url}/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"model":"${MODEL}","prompt":"x"}`,
    });
    expect(res.status).toBe(401);
  });

  it('names a missing required field', async () => {
    const noModel = await postRaw('/tokenize', '{"prompt":"x"}');
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { error: { param: string } }).error.param).toBe('model');
    const noTokens = await postRaw('/detokenize', `{"model":"${MODEL}"}`);
    expect(((await noTokens.json()) as { error: { param: string } }).error.param).toBe('tokens');
  });

  it('answers 404 for an unknown model', async () => {
    const res = await postRaw('/rerank', '{"model":"nope","query":"q","documents":["d"]}');
    expect(res.status).toBe(404);
  });

  it.each([
    ['studio-model', 'lmstudio', '/tokenize', 'tokenize'],
    ['ollama-model', 'ollama', '/tokenize', 'tokenize'],
    ['ollama-model', 'ollama', '/v2/rerank', 'rerank'],
  ])('answers 400 for %s: %s has no %s', async (model, type, path, endpoint) => {
    const from = upstream.requests.length;
    const res = await postRaw(path, JSON.stringify({ model, prompt: 'x', query: 'q', documents: ['d'] }));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; code: string } };
    expect(error.code).toBe('unsupported_endpoint');
    expect(error.message).toBe(`provider type '${type}' does not support the ${endpoint} endpoint`);
    expect(upstream.requests.slice(from)).toEqual([]);
  });
});

/** A multipart body built by hand, so the exact bytes the upstream must receive are known. */
function multipart(parts: { name: string; value: string | Buffer; filename?: string }[]) {
  const boundary = `----switchyard${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: audio/wav`
      : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('vLLM passthrough: multipart transcriptions', () => {
  it.each([
    ['before', 64 * 1024],
    ['after', 1536 * 1024],
  ])('streams the upload byte for byte with the model field %s a %i-byte file', async (where, size) => {
    const audio = randomBytes(size);
    const fields = [{ name: 'language', value: 'en' }];
    const file = { name: 'file', value: audio, filename: 'speech.wav' };
    const model = { name: 'model', value: MODEL };
    const { body, contentType } = multipart(
      where === 'before' ? [model, ...fields, file] : [file, ...fields, model],
    );
    const from = upstream.requests.length;
    const res = await postRaw('/v1/audio/transcriptions', body, { 'content-type': contentType });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"text":"Hello world."}');
    const received = upstream.requests[from]!;
    expect(received.url).toBe('/v1/audio/transcriptions');
    expect(received.headers['content-type']).toBe(contentType);
    expect(received.headers['content-length']).toBe(String(body.length));
    expect(received.body.equals(body)).toBe(true);
    expect(received.headers.authorization).toBe('Bearer upstream-key');
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('renames the model field, and only it, when the deployment serves the model under another name', async () => {
    const audio = randomBytes(700 * 1024);
    const sentForm = multipart([
      { name: 'file', value: audio, filename: 'speech.wav' },
      { name: 'model', value: 'renamed' },
    ]);
    const from = upstream.requests.length;
    const res = await postRaw('/v1/audio/transcriptions', sentForm.body, {
      'content-type': sentForm.contentType,
    });
    expect(res.status).toBe(200);
    const received = upstream.requests[from]!;
    const expected = Buffer.from(
      sentForm.body
        .toString('latin1')
        .replace('name="model"\r\n\r\nrenamed\r\n', `name="model"\r\n\r\n${MODEL}\r\n`),
      'latin1',
    );
    expect(received.body.equals(expected)).toBe(true);
    expect(received.headers['content-type']).toBe(sentForm.contentType);
  });

  it('streams a transcription answered as SSE through unchanged', async () => {
    const { body, contentType } = multipart([
      { name: 'model', value: MODEL },
      { name: 'stream', value: 'true' },
      { name: 'file', value: randomBytes(1024), filename: 'a.wav' },
    ]);
    const res = await postRaw('/v1/audio/transcriptions', body, { 'content-type': contentType });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text).toContain('"object":"transcription.chunk"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('works with the official openai SDK (file part first)', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY });
    const audio = randomBytes(300 * 1024);
    const from = upstream.requests.length;
    const result = await client.audio.transcriptions.create({
      file: await toFile(audio, 'speech.wav', { type: 'audio/wav' }),
      model: MODEL,
    });
    expect(result.text).toBe('Hello world.');
    const received = upstream.requests[from]!;
    expect(received.body.includes(audio)).toBe(true);
    expect(received.body.toString('latin1')).toContain(`name="model"\r\n\r\n${MODEL}\r\n`);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('answers 400 when the form has no model field, 413 over body_limit, 400 for JSON', async () => {
    const noModel = multipart([{ name: 'file', value: randomBytes(10), filename: 'a.wav' }]);
    const res1 = await postRaw('/v1/audio/transcriptions', noModel.body, {
      'content-type': noModel.contentType,
    });
    expect(res1.status).toBe(400);
    expect(((await res1.json()) as { error: { param: string } }).error.param).toBe('model');

    const big = multipart([
      { name: 'file', value: randomBytes(3 * 1024 * 1024), filename: 'a.wav' },
      { name: 'model', value: MODEL },
    ]);
    const res2 = await postRaw('/v1/audio/transcriptions', big.body, { 'content-type': big.contentType });
    expect(res2.status).toBe(413);

    const res3 = await postRaw('/v1/audio/transcriptions', `{"model":"${MODEL}","file":"abc"}`);
    expect(res3.status).toBe(400);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('enforces body_limit while streaming a chunked upload (no Content-Length)', async () => {
    const form = multipart([
      { name: 'model', value: MODEL },
      { name: 'file', value: randomBytes(3 * 1024 * 1024), filename: 'a.wav' },
    ]);
    const from = upstream.requests.length;
    const chunks = new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (let at = 0; at < form.body.length; at += 64 * 1024) {
          controller.enqueue(form.body.subarray(at, at + 64 * 1024));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        controller.close();
      },
    });
    const res = await fetch(`${gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': form.contentType },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
    expect(upstream.requests.slice(from)).toEqual([]);
  });

  it('answers 400 for a provider without transcriptions and releases the read-ahead', async () => {
    const form = multipart([
      { name: 'file', value: randomBytes(600 * 1024), filename: 'a.wav' },
      { name: 'model', value: 'ollama-model' },
    ]);
    const res = await postRaw('/v1/audio/transcriptions', form.body, { 'content-type': form.contentType });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "provider type 'ollama' does not support the audio.transcriptions endpoint",
    );
    await vi.waitFor(() => expect(readdirSync(spoolDir)).toEqual([]));
  });

  it('refuses multipart bodies on JSON routes with 415', async () => {
    const form = multipart([{ name: 'model', value: MODEL }]);
    const res = await postRaw('/tokenize', form.body, { 'content-type': form.contentType });
    expect(res.status).toBe(415);
  });
});
