/**
 * Framing against Ollama's documented examples: the NDJSON lines and whole answers the gateway writes for
 * `/api/chat` and `/api/generate` (embedded engine) have the same fields, in the same order and of the same
 * types, as the response examples of the Ollama API docs kept in test/fixtures/ollama/ (SOURCES.md there names
 * the doc section each came from): delta lines as the docs' streamed lines, the last line and the whole answer
 * as the docs' final objects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../support/fake-upstream.js';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

const QWEN = 'stories260K-qwen2.5-chat-template';

let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

/** Field names in order, with the JSON type of each value (objects described the same way). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return ['array'];
  if (value === null || typeof value !== 'object') return typeof value;
  return Object.entries(value).map(([key, v]) => [key, shape(v)]);
}

function documented(name: string): unknown[] {
  return readFileSync(join(FIXTURES_DIR, 'ollama', name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

async function post(path: string, body: object): Promise<{ type: string | null; text: string }> {
  const res = await fetch(`${gateway.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), text: await res.text() };
}

describe.each([
  ['/api/chat', 'chat-text', { messages: [{ role: 'user', content: 'Tell me a story.' }] }],
  ['/api/generate', 'generate-text', { prompt: 'Tell me a story.' }],
])('%s', (path, fixture, request) => {
  it(`streams lines framed as ${fixture}.ndjson: one JSON object a line, deltas then the final line`, async () => {
    const { type, text } = await post(path, { model: QWEN, ...request, options: { num_predict: 5 } });
    expect(type).toBe('application/x-ndjson');
    expect(text.endsWith('}\n')).toBe(true);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    const docs = documented(`${fixture}.ndjson`);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(0, -1)) expect(shape(line)).toEqual(shape(docs[0]));
    expect(shape(lines.at(-1))).toEqual(shape(docs.at(-1)));
  });

  it(`answers stream:false framed as ${fixture}.json`, async () => {
    const { type, text } = await post(path, {
      model: QWEN,
      ...request,
      stream: false,
      options: { num_predict: 5 },
    });
    expect(type).toMatch(/^application\/json/);
    expect(shape(JSON.parse(text))).toEqual(shape(documented(`${fixture}.json`)[0]));
  });
});
