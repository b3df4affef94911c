/**
 * vLLM's extra endpoints on a `type: llamacpp` upstream, end to end through a real gateway process: clients
 * see vLLM's shapes (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) and the fake llama-server (written from
 * llama.cpp's server documentation, test/support/fake-llamacpp.ts) receives llama.cpp's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llamaCppModels } from '../src/providers/openai-compatible/llamacpp/models.js';
import {
  LLAMACPP_EMBEDDING_DIMS,
  LLAMACPP_MODEL,
  LLAMACPP_N_CTX,
  LLAMACPP_N_CTX_TRAIN,
  startFakeLlamaCpp,
} from './support/fake-llamacpp.js';
import type { FakeUpstream, RecordedRequest } from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';

const KEY = 'sk-gateway-test';
let upstream: FakeUpstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeLlamaCpp({ capabilities: ['completion', 'embedding', 'rerank'] });
  gateway = await startGatewayProcess({
    server: { api_keys: [KEY], log_level: 'warn' },
    providers: { llama: { type: 'llamacpp', base_url: `${upstream.url}/v1`, api_key: 'upstream-key' } },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

async function post(path: string, body: unknown) {
  const res = await fetch(gateway.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are free-form JSON; the assertions check each field read
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The requests the fake received on `path` since `from`. */
function sent(path: string, from: number): RecordedRequest[] {
  return upstream.requests.slice(from).filter((r) => r.method === 'POST' && r.url === path);
}

describe('llama.cpp: models', () => {
  it('lists the model with capabilities and the served context size', async () => {
    const res = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    const { data } = (await res.json()) as { data: Record<string, unknown>[] };
    const model = data.find((m) => m.id === LLAMACPP_MODEL);
    expect(model?.capabilities).toEqual(['chat', 'completion', 'embedding', 'rerank', 'score', 'tokenize']);
    expect(model?.max_model_len).toBe(LLAMACPP_N_CTX);
  });

  it('omits capabilities an older llama-server does not report and falls back to the training context', () => {
    const answer = {
      object: 'list',
      data: [{ id: 'm', object: 'model', created: 1, owned_by: 'llamacpp', meta: { n_ctx_train: 4096 } }],
    };
    expect(llamaCppModels(answer, undefined)).toEqual([
      { id: 'm', maxModelLen: LLAMACPP_N_CTX_TRAIN, created: 1 },
    ]);
  });
});

describe('llama.cpp: tokenize and detokenize', () => {
  it('translates completion-style tokenize both ways, with token strings', async () => {
    const from = upstream.requests.length;
    const res = await post('/tokenize', {
      model: LLAMACPP_MODEL,
      prompt: 'once upon a time',
      return_token_strs: true,
    });
    expect(res.status).toBe(200);
    const [call] = sent('/tokenize', from);
    expect(call?.json).toEqual({ content: 'once upon a time', add_special: true, with_pieces: true });
    expect(call?.headers.authorization).toBe('Bearer upstream-key');
    expect(Object.keys(res.body).sort()).toEqual(['count', 'max_model_len', 'token_strs', 'tokens']);
    // stories260K's SentencePiece ids: BOS, then "▁on" "ce" "▁upon" "▁a" "▁time".
    expect(res.body.tokens).toEqual([1, 353, 331, 407, 261, 378]);
    expect(res.body.count).toBe(6);
    expect(res.body.max_model_len).toBe(LLAMACPP_N_CTX);
    expect(res.body.token_strs).toEqual(['<s>', ' on', 'ce', ' upon', ' a', ' time']);
  });

  it('honours add_special_tokens: false, leaves token_strs null unless asked, shows byte pieces as <0xHH>', async () => {
    const from = upstream.requests.length;
    const plain = await post('/tokenize', {
      model: LLAMACPP_MODEL,
      prompt: 'once',
      add_special_tokens: false,
    });
    expect(sent('/tokenize', from)[0]?.json).toEqual({ content: 'once', add_special: false });
    expect(plain.body.token_strs).toBeNull();
    expect(plain.body).toMatchObject({ count: 2, tokens: [353, 331] });
    // "ï" is not in the 512-piece vocabulary: it is two byte-fallback tokens, each invalid UTF-8 alone.
    const bytes = await post('/tokenize', {
      model: LLAMACPP_MODEL,
      prompt: 'naïve',
      add_special_tokens: false,
      return_token_strs: true,
    });
    expect(bytes.body.tokens).toEqual([297, 412, 198, 178, 360]);
    expect(bytes.body.token_strs).toEqual([' n', 'a', '<0xC3>', '<0xAF>', 've']);
  });

  it('renders chat-style tokenize with the model template, counting the template tokens', async () => {
    const messages = [{ role: 'user', content: 'hello there' }];
    const from = upstream.requests.length;
    const chat = await post('/tokenize', { model: LLAMACPP_MODEL, messages });
    expect(chat.status).toBe(200);
    expect(sent('/apply-template', from)[0]?.json).toEqual({ messages });
    const tokenizeCall = sent('/tokenize', from)[0]?.json as Record<string, unknown>;
    expect(tokenizeCall).toEqual({
      content: '<|im_start|> user hello there <|im_end|> <|im_start|> assistant',
      add_special: false,
    });
    const bare = await post('/tokenize', {
      model: LLAMACPP_MODEL,
      prompt: 'hello there',
      add_special_tokens: false,
    });
    // The ChatML markers are plain text in this vocabulary: the rendered prompt is 42 tokens, the bare
    // content 4 ("▁he" "ll" "o" "▁there").
    expect(bare.body.count).toBe(4);
    expect(chat.body.count).toBe(42);
    expect(chat.body.tokens).toHaveLength(42);
  });

  it('refuses a per-request chat template, which llama.cpp cannot apply', async () => {
    const res = await post('/tokenize', {
      model: LLAMACPP_MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      chat_template: '{{ messages }}',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('chat_template');
    expect(res.body.error.message).toContain('llamacpp');
  });

  it('detokenizes what it tokenized', async () => {
    const tokens = (
      await post('/tokenize', { model: LLAMACPP_MODEL, prompt: 'the cat sat', add_special_tokens: false })
    ).body.tokens;
    const from = upstream.requests.length;
    const res = await post('/detokenize', { model: LLAMACPP_MODEL, tokens });
    expect(sent('/detokenize', from)[0]?.json).toEqual({ tokens });
    // llama-server's /detokenize concatenates each token's piece (`tokens_to_str`), so the SentencePiece
    // space prefix of "▁the" comes back as a leading space, and the gateway passes it on.
    expect(res.body).toEqual({ prompt: ' the cat sat' });
  });
});

describe('llama.cpp: pooling', () => {
  it('returns pooled vectors in vLLM pooling shape, from /v1/embeddings', async () => {
    const from = upstream.requests.length;
    const res = await post('/pooling', { model: LLAMACPP_MODEL, input: ['a', 'bbb'] });
    expect(res.status).toBe(200);
    expect(sent('/v1/embeddings', from)[0]?.json).toEqual({ model: LLAMACPP_MODEL, input: ['a', 'bbb'] });
    expect(res.body.object).toBe('list');
    expect(res.body.id).toMatch(/^pool-/);
    expect(res.body.model).toBe(LLAMACPP_MODEL);
    expect(res.body.data).toEqual([
      { index: 0, object: 'pooling', data: [0.01, 0.02, 0.03, 0.04] },
      { index: 1, object: 'pooling', data: [0.03, 0.04, 0.05, 0.06] },
    ]);
    expect(res.body.data[0].data).toHaveLength(LLAMACPP_EMBEDDING_DIMS);
    expect(res.body.usage).toEqual({
      prompt_tokens: 6,
      total_tokens: 6,
      completion_tokens: 0,
      prompt_tokens_details: null,
    });
  });

  it("maps normalize: false to embd_normalize -1 and refuses 'dimensions'", async () => {
    const from = upstream.requests.length;
    await post('/pooling', {
      model: LLAMACPP_MODEL,
      input: 'x',
      normalize: false,
      encoding_format: 'base64',
    });
    expect(sent('/v1/embeddings', from)[0]?.json).toEqual({
      model: LLAMACPP_MODEL,
      input: 'x',
      encoding_format: 'base64',
      embd_normalize: -1,
    });
    const res = await post('/pooling', { model: LLAMACPP_MODEL, input: 'x', dimensions: 2 });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('dimensions');
  });
});

describe('llama.cpp: rerank and score', () => {
  const documents = ['Cows are animals.', 'Paris is the capital of France.', 'France has a big old capital.'];

  it('reranks in vLLM shape: sorted, cut to top_n, with document texts', async () => {
    const from = upstream.requests.length;
    const res = await post('/v1/rerank', {
      model: LLAMACPP_MODEL,
      query: 'capital of France',
      documents,
      top_n: 2,
    });
    expect(res.status).toBe(200);
    expect(sent('/rerank', from)[0]?.json).toEqual({
      model: LLAMACPP_MODEL,
      query: 'capital of France',
      documents,
      top_n: 2,
    });
    expect(Object.keys(res.body).sort()).toEqual(['id', 'model', 'results', 'usage']);
    expect(res.body.id).toMatch(/^rerank-/);
    expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(res.body.results[0].document).toEqual({ text: documents[1], multi_modal: null });
    expect(res.body.results[0].relevance_score).toBeGreaterThan(res.body.results[1].relevance_score);
    expect(res.body.usage.total_tokens).toBeGreaterThan(0);
  });

  it('sends no top_n when vLLM means "all" (0 or absent)', async () => {
    const from = upstream.requests.length;
    const res = await post('/v2/rerank', { model: LLAMACPP_MODEL, query: 'capital', documents, top_n: 0 });
    expect(sent('/rerank', from)[0]?.json).not.toHaveProperty('top_n');
    expect(res.body.results).toHaveLength(3);
  });

  it('scores one text against many in input order, and pairs lists by position', async () => {
    const one = await post('/score', {
      model: LLAMACPP_MODEL,
      text_1: 'capital of France',
      text_2: documents,
    });
    expect(one.status).toBe(200);
    expect(one.body.object).toBe('list');
    expect(one.body.data.map((d: { index: number }) => d.index)).toEqual([0, 1, 2]);
    expect(one.body.data[0]).toEqual({ index: 0, object: 'score', score: 0 });
    expect(one.body.data[1].score).toBeGreaterThan(one.body.data[2].score);

    const from = upstream.requests.length;
    const zipped = await post('/v1/score', {
      model: LLAMACPP_MODEL,
      text_1: ['cows', 'paris'],
      text_2: ['Cows are animals.', 'Cows are animals.'],
    });
    expect(sent('/rerank', from)).toHaveLength(2);
    expect(zipped.body.data[0].score).toBeGreaterThan(zipped.body.data[1].score);

    const mismatch = await post('/score', {
      model: LLAMACPP_MODEL,
      text_1: ['a', 'b'],
      text_2: ['c', 'd', 'e'],
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.param).toBe('text_2');
  });

  it("returns llama.cpp's own error when the server is not a reranker", async () => {
    upstream.route('POST /rerank', {
      status: 501,
      json: {
        error: { code: 501, message: 'This server does not support reranking.', type: 'not_supported_error' },
      },
    });
    const res = await post('/rerank', { model: LLAMACPP_MODEL, query: 'q', documents: ['d'] });
    expect(res.status).toBe(501);
    expect(res.body.error).toMatchObject({
      message: 'This server does not support reranking. (not_supported_error)',
      type: 'server_error',
    });
  });

  it('answers 400 for classify, which llama.cpp has no equivalent for', async () => {
    const res = await post('/classify', { model: LLAMACPP_MODEL, input: 'hello' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unsupported_endpoint');
    expect(res.body.error.message).toContain("'llamacpp'");
    expect(res.body.error.message).toContain('classify');
  });
});
