/**
 * Every stream path read as raw bytes with `fetch` (no SDK to smooth things over) against a real gateway
 * process: OpenAI-compatible passthrough, and the translated Anthropic, Gemini and Ollama providers. Each path
 * gets the same faults from the fake upstream: headers then a reset or then silence before the first byte
 * (retried, since nothing reached the client yet), an empty stream, a stream cut in the middle of an event,
 * and SSE keep-alive comments between events.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeRoute,
  type FakeUpstream,
  FIXTURES_DIR,
  type RecordedRequest,
  startFakeUpstream,
} from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

/** One stream path: the provider config, its OK transcript and the text that transcript streams. */
interface StreamPath {
  provider: Record<string, unknown>;
  fixture: string;
  text: string;
  /** SSE paths can carry `:` comments; Ollama streams NDJSON. */
  sse: boolean;
  /** The error code of a connection broken mid-stream (the passthrough and translating HTTP kits differ). */
  brokenCode: string;
  /** The error message for a stream that ended before its first byte. */
  emptyMessage: string;
}

let upstream: FakeUpstream;
let gateway: GatewayProcess;

const SCENARIOS = ['ok', 'reset', 'silence', 'silence-always', 'empty', 'cut', 'comments'] as const;

const PATHS: Record<string, StreamPath> = {
  passthrough: {
    provider: { type: 'openai-compatible', base_url: '/v1', discover: false },
    fixture: 'openai/chat-text.sse',
    text: 'Hello',
    sse: true,
    brokenCode: 'upstream_connection_error',
    emptyMessage: 'upstream ended its event stream before sending any event',
  },
  anthropic: {
    provider: { type: 'anthropic', base_url: '/v1', api_key: 'k', default_max_tokens: 64 },
    fixture: 'anthropic/text.sse',
    text: 'It is 14°C in Oslo.',
    sse: true,
    brokenCode: 'upstream_connection_error',
    emptyMessage: 'Anthropic stream is invalid: the stream ended before message_stop',
  },
  gemini: {
    provider: { type: 'gemini', base_url: '/v1beta', api_key: 'k' },
    fixture: 'gemini/text.sse',
    text: 'It is 14°C in Oslo.',
    sse: true,
    brokenCode: 'upstream_connection_error',
    emptyMessage: 'Gemini stream is invalid: the stream ended before a finishReason',
  },
  ollama: {
    provider: { type: 'ollama', base_url: '', discover: false },
    fixture: 'ollama/chat-text.ndjson',
    text: 'The sky is blue — ☀️.',
    sse: false,
    brokenCode: 'upstream_connection_error',
    emptyMessage: 'invalid response from Ollama: the stream ended before its final line (done: true)',
  },
};

/** Scripted answers per upstream model name (the last one repeats), and how many requests each got. */
const scripts = new Map<string, FakeRoute[]>();
const arrivals = new Map<string, number>();

function modelOf(req: RecordedRequest): string {
  const gemini = /\/models\/([^/:]+):/.exec(req.path);
  return gemini ? gemini[1]! : ((req.json as { model?: string } | undefined)?.model ?? '');
}

function scripted(req: RecordedRequest): FakeRoute {
  const model = modelOf(req);
  arrivals.set(model, (arrivals.get(model) ?? 0) + 1);
  const script = scripts.get(model) ?? [
    { status: 404, json: { error: { message: `no script for ${model}` } } },
  ];
  return (script.length > 1 ? script.shift() : script[0])!;
}

/** Scripts `model` (an upstream model name unique to one test) with `routes`. */
function script(model: string, ...routes: FakeRoute[]): void {
  scripts.set(model, routes);
  arrivals.set(model, 0);
}

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': scripted,
    'POST /v1/messages': scripted,
    'POST /api/chat': scripted,
  });
  // Gemini's model is in the path: one route per scenario model is added by `route` below.
  const providers: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(PATHS)) {
    providers[name] = {
      ...path.provider,
      base_url: `${upstream.url}${path.provider.base_url as string}`,
      timeouts: { first_byte: '300ms', idle: '300ms' },
    };
  }
  const models = Object.keys(PATHS).flatMap((name) =>
    SCENARIOS.map((scenario) => {
      const model = `${name}-${scenario}`;
      if (name === 'gemini') upstream.route(`POST /v1beta/models/${model}:streamGenerateContent`, scripted);
      return {
        id: model,
        max_retries: 1,
        cooldown: 0,
        deployments: [{ provider: name, model }],
      };
    }),
  );
  gateway = await startGatewayProcess({ server: { log_level: 'silent' }, providers, models });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

async function post(model: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream: true }),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** The `data:` payloads of an SSE body that must consist of `data: …` events only. */
function events(body: string): string[] {
  expect(body.endsWith('\n\n')).toBe(true);
  return body
    .slice(0, -2)
    .split('\n\n')
    .map((event) => {
      expect(event).toMatch(/^data: /);
      return event.slice('data: '.length);
    });
}

/** The text of OpenAI chunk payloads (before `[DONE]`). */
function textOf(payloads: string[]): string {
  return payloads
    .map(
      (p) =>
        (JSON.parse(p) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '',
    )
    .join('');
}

describe.each(Object.entries(PATHS))('%s stream', (name, path) => {
  const model = (scenario: (typeof SCENARIOS)[number]) => `${name}-${scenario}`;
  const ok: FakeRoute = { fixture: path.fixture };

  it('ends with exactly one `data: [DONE]` event and nothing after it', async () => {
    script(model('ok'), ok);
    const res = await post(model('ok'));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/event-stream/);
    const payloads = events(res.body);
    expect(payloads.at(-1)).toBe('[DONE]');
    expect(payloads.filter((p) => p === '[DONE]')).toHaveLength(1);
    expect(textOf(payloads.slice(0, -1))).toBe(path.text);
  });

  it('retries an upstream that sent headers and reset the connection before the first byte', async () => {
    script(model('reset'), { ...ok, truncateAfterBytes: 0 }, ok);
    const res = await post(model('reset'));
    expect(res.status).toBe(200);
    expect(textOf(events(res.body).slice(0, -1))).toBe(path.text);
    expect(arrivals.get(model('reset'))).toBe(2);
  });

  it('retries an upstream that sent headers and then nothing within first_byte', async () => {
    script(model('silence'), { ...ok, stallAfterLines: 0 }, ok);
    const res = await post(model('silence'));
    expect(res.status).toBe(200);
    expect(textOf(events(res.body).slice(0, -1))).toBe(path.text);
    expect(arrivals.get(model('silence'))).toBe(2);
  });

  it('answers 504 with a JSON error, not a started stream, when every attempt sends only headers', async () => {
    script(model('silence-always'), { ...ok, stallAfterLines: 0 });
    const res = await post(model('silence-always'));
    expect(res.status).toBe(504);
    expect(res.type).toMatch(/^application\/json/);
    const { error } = JSON.parse(res.body) as { error: { code: string; message: string } };
    expect(error.code).toBe('upstream_timeout');
    expect(error.message).toContain('sent nothing within 300 ms (timeouts.first_byte)');
    expect(arrivals.get(model('silence-always'))).toBe(2);
  });

  it('ends a stream cut in the middle of an event with an error event, then `data: [DONE]`', async () => {
    script(model('cut'), { ...ok, cutMidEvent: 2 });
    const res = await post(model('cut'));
    expect(res.status).toBe(200);
    const payloads = events(res.body);
    expect(payloads.at(-1)).toBe('[DONE]');
    if (name === 'passthrough') {
      const sent = readFileSync(FIXTURES_DIR + path.fixture, 'utf8').split('\n\n');
      const half = sent[2]!.slice(0, Math.ceil((sent[2]!.length + 2) / 2));
      expect(res.body.startsWith(`${sent[0]}\n\n${sent[1]}\n\n${half}\n\ndata: {"error":`)).toBe(true);
    }
    const error = JSON.parse(payloads.at(-2)!) as { error: { code: string } };
    expect(error.error.code).toBe(path.brokenCode);
    expect(arrivals.get(model('cut'))).toBe(1);
  });

  it('answers 502 with a JSON error when the upstream ends its stream before any event', async () => {
    const type = path.sse ? 'text/event-stream' : 'application/x-ndjson';
    script(model('empty'), { text: '', headers: { 'content-type': type } });
    const res = await post(model('empty'));
    expect(res.status).toBe(502);
    expect(res.type).toMatch(/^application\/json/);
    expect((JSON.parse(res.body) as { error: { message: string } }).error.message).toBe(path.emptyMessage);
    expect(arrivals.get(model('empty'))).toBe(1);
  });

  if (path.sse) {
    it('ignores SSE keep-alive comments between events', async () => {
      script(model('comments'), { ...ok, commentBetweenEvents: ': keep-alive' });
      const res = await post(model('comments'));
      expect(res.status).toBe(200);
      const payloads = events(res.body.replaceAll(': keep-alive\n', ''));
      expect(payloads.at(-1)).toBe('[DONE]');
      expect(textOf(payloads.slice(0, -1))).toBe(path.text);
    });
  }
});
