/**
 * The model table of a real gateway process (routing/model-registry.ts) merging discovery with config: a
 * configured model whose upstream name is also discovered is listed once, keeps its configured deployments
 * and takes the discovered metadata (`max_model_len`); an alias of a discovered model gets that metadata
 * too; a name discovered on two providers is one model with a deployment on each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

let a: FakeUpstream;
let b: FakeUpstream;
let gateway: GatewayProcess;

/** A vLLM `/v1/models` answer (vLLM OpenAI-compatible server, "List models": `max_model_len` per model). */
const modelList = (...models: [string, number][]) => ({
  json: {
    object: 'list',
    data: models.map(([id, len]) => ({
      id,
      object: 'model',
      created: 1735000000,
      owned_by: 'vllm',
      max_model_len: len,
    })),
  },
});
const chat = (model: string) => ({
  json: { id: `from-${model}`, object: 'chat.completion', created: 1, model, choices: [] },
});

beforeAll(async () => {
  a = await startFakeUpstream({
    'GET /v1/models': modelList(['org/shared', 8192], ['org/configured', 4096]),
    'POST /v1/chat/completions': chat('a'),
  });
  b = await startFakeUpstream({
    'GET /v1/models': modelList(['org/shared', 8192], ['org/configured', 2048]),
    'POST /v1/chat/completions': chat('b'),
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: {
      a: { type: 'vllm', base_url: `${a.url}/v1` },
      b: { type: 'vllm', base_url: `${b.url}/v1` },
    },
    models: [
      { id: 'org/configured', deployments: [{ provider: 'b' }] },
      { id: 'alias', deployments: [{ provider: 'a', model: 'org/configured' }] },
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await a?.close();
  await b?.close();
});

async function listed(): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${gateway.url}/v1/models`);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

async function chatVia(model: string): Promise<string> {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

describe('model table: discovery merged with config', () => {
  it('lists configured models first, then each discovered name once', async () => {
    const models = await listed();
    expect(models.map((m) => [m.id, m.owned_by])).toEqual([
      ['org/configured', 'b'],
      ['alias', 'a'],
      ['org/shared', 'a'],
    ]);
  });

  it('a configured model takes max_model_len from its first deployment’s discovered entry', async () => {
    const models = await listed();
    expect(models.find((m) => m.id === 'org/configured')?.max_model_len).toBe(2048);
    expect(models.find((m) => m.id === 'alias')?.max_model_len).toBe(4096);
    expect(models.find((m) => m.id === 'org/shared')?.max_model_len).toBe(8192);
  });

  it('a configured model keeps only its configured deployments (discovery on another provider adds none)', async () => {
    const before = a.requests.length;
    for (let i = 0; i < 4; i++) expect(await chatVia('org/configured')).toBe('from-b');
    expect(a.requests.length).toBe(before);
  });

  it('a name discovered on two providers gets one deployment on each, in turn (least-busy rotates ties)', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push(await chatVia('org/shared'));
    expect(answers.sort()).toEqual(['from-a', 'from-a', 'from-b', 'from-b']);
  });
});
