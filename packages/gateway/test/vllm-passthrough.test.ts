/**
 * vLLM's extra JSON endpoints through a real gateway process to a recording fake vLLM server (answers from
 * the vLLM docs, OpenAI-Compatible Server: https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html): every
 * route reaches vLLM's path at the server root with the client's bytes unchanged (unknown fields included), and
 * vLLM's answer comes back unchanged. Also auth, validation, and the 400 of provider types without the endpoints.
 * Multipart transcriptions: vllm-transcriptions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  });
  for (const route of ROUTES)
    upstream.route(`POST ${route.upstreamPath}`, (req) => ({ json: answerFor(req.body) }));
  gateway = await startGatewayProcess({
    server: { api_keys: [KEY], log_level: 'warn' },
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
  });
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
    expect(body.error).toMatchObject({
      message: 'This model does not support classification (BadRequestError)',
      type: 'invalid_request_error',
    });
  });

  it('lists max_model_len from vLLM /v1/models', async () => {
    const res = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    const { data } = (await res.json()) as { data: Record<string, unknown>[] };
    expect(data.find((m) => m.id === MODEL)?.max_model_len).toBe(32768);
  });

  it('answers /version with the gateway version', async () => {
    const res = await fetch(`${gateway.url}/version`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await res.json()).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      server: 'switchyard',
    });
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
