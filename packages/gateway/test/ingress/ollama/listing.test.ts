/**
 * End to end: the unmodified `ollama` npm package (ollama-js) → a real `switchyard serve` process → Ollama's
 * probe and listing routes, on the embedded engine with the shared GGUF models.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

const QWEN = 'stories260K-qwen2.5-chat-template';
const STORIES = 'stories260K';
const KEY = 'sk-ollama-ingress-test';

let gateway: GatewayProcess;
let ollama: Ollama;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { api_keys: [KEY] },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
  });
  ollama = new Ollama({ host: gateway.url, headers: { authorization: `Bearer ${KEY}` } });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('probes', () => {
  it('answers GET / and HEAD / with "Ollama is running", without a key', async () => {
    const get = await fetch(`${gateway.url}/`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await get.text()).toBe('Ollama is running');
    const head = await fetch(`${gateway.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('reports a version through ollama.version()', async () => {
    const { version } = await ollama.version();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('ollama.list()', () => {
  it('lists every model file with size, sha256 digest, modified_at and GGUF details', async () => {
    const { models } = await ollama.list();
    const names = models.map((m) => m.name).sort();
    expect(names).toEqual(['llama-2-tiny-random', STORIES, QWEN]);
    const stories = models.find((m) => m.name === STORIES)!;
    const path = join(MODELS_DIR, `${STORIES}.gguf`);
    expect(stories.model).toBe(STORIES);
    expect(stories.size).toBe(statSync(path).size);
    expect(stories.digest).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(new Date(stories.modified_at).getTime()).toBe(Math.floor(statSync(path).mtimeMs / 1000) * 1000);
    expect(stories.details.format).toBe('gguf');
    expect(stories.details.family).toBe('llama');
    expect(stories.details.families).toEqual(['llama']);
    expect(stories.details.parameter_size).toMatch(/^\d+(\.\d)?K$/);
  });
});

describe('ollama.show()', () => {
  it('shows the chat template, details, GGUF model_info and capabilities', async () => {
    const show = await ollama.show({ model: QWEN });
    expect(show.template).toContain('<|im_start|>');
    expect(show.modelfile).toContain(`FROM ${QWEN}`);
    expect(show.modelfile).toContain('TEMPLATE """');
    expect(show.details.family).toBe('llama');
    // ollama-js types model_info as a Map; on the wire (and so at run time) it is a JSON object.
    const info = show.model_info as unknown as Record<string, unknown>;
    expect(info['general.architecture']).toBe('llama');
    expect(info['llama.context_length']).toBe(2048);
    expect(info).not.toHaveProperty(['tokenizer.ggml.tokens']);
    expect(show.capabilities).toContain('completion');
    expect(show.capabilities).toContain('tools');
  });

  it('has no tools capability for a model without a template', async () => {
    const show = await ollama.show({ model: STORIES });
    expect(show.template).toBe('');
    expect(show.capabilities).not.toContain('tools');
  });

  it('answers 404 {error: "model \'x\' not found"} for an unknown model', async () => {
    const err = (await ollama.show({ model: 'no-such-model' }).catch((e: unknown) => e)) as {
      name: string;
      error: string;
      status_code: number;
    };
    expect(err.name).toBe('ResponseError');
    expect(err.status_code).toBe(404);
    expect(err.error).toBe("model 'no-such-model' not found");
  });
});

describe('ollama.ps()', () => {
  it('lists a model once its weights are loaded, with size and a far expiry', async () => {
    const before = await ollama.ps();
    expect(before.models.map((m) => m.name)).not.toContain(STORIES);
    const load = await fetch(`${gateway.url}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: STORIES, prompt: 'Once', max_tokens: 1 }),
    });
    expect(load.status).toBe(200);
    const after = await ollama.ps();
    const entry = after.models.find((m) => m.name === STORIES)!;
    expect(entry.size).toBe(statSync(join(MODELS_DIR, `${STORIES}.gguf`)).size);
    expect(entry.size_vram).toBe(0);
    expect(new Date(entry.expires_at).getUTCFullYear()).toBeGreaterThan(2200);
    expect(after.models.map((m) => m.name)).not.toContain('llama-2-tiny-random');
  });
});

describe('errors in Ollama shape', () => {
  async function post(path: string, body: string) {
    const res = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('400 {error} for a body that is not JSON', async () => {
    const res = await post('/api/show', '{"model": ');
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(typeof res.body.error).toBe('string');
  });

  it('400 {error} for a field of the wrong type and for a missing model', async () => {
    const wrong = await post('/api/show', '{"model": 7}');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toContain('model');
    const missing = await post('/api/show', '{}');
    expect(missing).toEqual({ status: 400, body: { error: 'model is required' } });
  });

  it('401 {error} for a wrong key', async () => {
    const wrong = new Ollama({ host: gateway.url, headers: { authorization: 'Bearer sk-wrong' } });
    const err = (await wrong.list().catch((e: unknown) => e)) as { status_code: number; error: string };
    expect(err.status_code).toBe(401);
    expect(typeof err.error).toBe('string');
  });
});
