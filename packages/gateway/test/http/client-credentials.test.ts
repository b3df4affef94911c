/**
 * The client's credentials stay at the gateway: for every provider type configured without an `api_key`, a
 * request that authenticated to the gateway with `Authorization: Bearer …` or `x-api-key` reaches the upstream
 * with neither header (nor `x-goog-api-key`), and no header carries the client's key, on chat completions
 * (JSON and stream) and the type's passthrough extras. Real gateway process, fake upstream recording headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerDefinitions } from '../../src/providers/catalog.js';
import { type FakeUpstream, type RecordedRequest, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

const CLIENT_KEY = 'sk-client-secret-4c1d';
/** Headers that carry credentials to the upstreams the gateway speaks to. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key', 'proxy-authorization'];

/** Upstream path prefix per provider family, and the requests to send through each type. */
interface Family {
  basePath: string;
  /** Extra gateway routes (beyond chat completions) that reach this family's upstream: [path, body]. */
  extras: [string, Record<string, unknown>][];
}

const OPENAI_FAMILY: Family = {
  basePath: '/v1',
  extras: [['/v1/embeddings', { input: 'hi' }]],
};
const FAMILIES: Record<string, Family> = {
  ollama: { basePath: '', extras: [['/v1/embeddings', { input: 'hi' }]] },
  anthropic: { basePath: '/v1', extras: [] },
  gemini: { basePath: '/v1beta', extras: [] },
  vllm: {
    basePath: '/v1',
    extras: [
      ['/tokenize', { prompt: 'hi' }],
      ['/v1/embeddings', { input: 'hi' }],
    ],
  },
  llamacpp: {
    basePath: '/v1',
    extras: [
      ['/tokenize', { prompt: 'hi' }],
      ['/v1/embeddings', { input: 'hi' }],
    ],
  },
};

/** Every upstream provider type the gateway knows (the embedded engine has no upstream). */
const TYPES = providerDefinitions.flatMap((d) => d.types).filter((t) => t !== 'embedded');

let upstream: FakeUpstream;
let gateway: GatewayProcess;

const OPENAI_CHAT = { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [] };
const SSE =
  'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[]}\n\ndata: [DONE]\n\n';

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [] } },
    'POST /v1/chat/completions': (req) =>
      (req.json as { stream?: boolean }).stream
        ? { text: SSE, headers: { 'content-type': 'text/event-stream' } }
        : { json: OPENAI_CHAT },
    'POST /v1/embeddings': {
      json: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
        model: 'm',
        usage: {},
      },
    },
    'POST /tokenize': { json: { tokens: [1], count: 1 } },
    'POST /api/chat': (req) =>
      (req.json as { stream?: boolean }).stream
        ? { fixture: 'ollama/chat-text.ndjson' }
        : { fixture: 'ollama/chat-text.json' },
    'POST /api/embed': { fixture: 'ollama/embed.json' },
    'POST /v1/messages': (req) =>
      (req.json as { stream?: boolean }).stream
        ? { fixture: 'anthropic/text.sse' }
        : { fixture: 'anthropic/text.json' },
    'POST /v1beta/models/m:generateContent': { fixture: 'gemini/text.json' },
    'POST /v1beta/models/m:streamGenerateContent': { fixture: 'gemini/text.sse' },
  });
  const providers: Record<string, unknown> = {};
  for (const type of TYPES) {
    const family = FAMILIES[type] ?? OPENAI_FAMILY;
    providers[type] = {
      type,
      base_url: `${upstream.url}${family.basePath}`,
      ...(type === 'anthropic' ? { default_max_tokens: 64 } : {}),
      ...(type === 'gemini' || type === 'anthropic' ? {} : { discover: false }),
    };
  }
  gateway = await startGatewayProcess({
    server: { log_level: 'silent', api_keys: [CLIENT_KEY] },
    providers,
    models: TYPES.map((type) => ({ id: type, deployments: [{ provider: type, model: 'm' }] })),
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

/** The client's two ways of presenting its key to the gateway. */
const PRESENTATIONS: [string, Record<string, string>][] = [
  ['authorization', { authorization: `Bearer ${CLIENT_KEY}` }],
  ['x-api-key', { 'x-api-key': CLIENT_KEY }],
];

async function send(
  path: string,
  body: Record<string, unknown>,
  auth: Record<string, string>,
): Promise<RecordedRequest[]> {
  const before = upstream.requests.length;
  const res = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${path}: ${text}`).toBe(200);
  const sent = upstream.requests.slice(before);
  expect(sent.length).toBeGreaterThanOrEqual(1);
  return sent;
}

function expectNoClientCredentials(sent: RecordedRequest[]): void {
  for (const req of sent) {
    for (const name of CREDENTIAL_HEADERS) expect(req.headers[name], `${req.url} ${name}`).toBeUndefined();
    expect(JSON.stringify(req.headers)).not.toContain(CLIENT_KEY);
    expect(req.url).not.toContain(CLIENT_KEY);
  }
}

describe.each(TYPES)('provider type %s without api_key', (type) => {
  describe.each(PRESENTATIONS)('client key in %s', (_, auth) => {
    it('chat completion: no credential header upstream', async () => {
      const messages = [{ role: 'user', content: 'hi' }];
      expectNoClientCredentials(await send('/v1/chat/completions', { model: type, messages }, auth));
    });

    it('streamed chat completion: no credential header upstream', async () => {
      const messages = [{ role: 'user', content: 'hi' }];
      expectNoClientCredentials(
        await send('/v1/chat/completions', { model: type, messages, stream: true }, auth),
      );
    });

    for (const [path, body] of (FAMILIES[type] ?? OPENAI_FAMILY).extras) {
      it(`${path}: no credential header upstream`, async () => {
        expectNoClientCredentials(await send(path, { model: type, ...body }, auth));
      });
    }
  });
});
