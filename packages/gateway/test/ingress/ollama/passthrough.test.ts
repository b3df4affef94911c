/**
 * End to end: the unmodified `ollama` npm package → a real `switchyard serve` process → a deployment on an
 * `ollama` provider (the fake upstream replaying the documented Ollama examples of test/fixtures/ollama/): the
 * native request is forwarded as it came (model replaced by the deployment's) and the upstream's bytes come back
 * unchanged, NDJSON streams and whole answers alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, FIXTURES_DIR, startFakeUpstream } from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

const fixture = (name: string) => readFileSync(join(FIXTURES_DIR, 'ollama', name), 'utf8');

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let ollama: Ollama;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /api/tags': { fixture: 'ollama/tags.json' },
    'POST /api/chat': (req) =>
      (req.json as Any).model === 'stalls'
        ? {
            fixture: 'ollama/chat-text.ndjson',
            headers: { 'content-type': 'application/x-ndjson' },
            stallAfterLines: 1,
          }
        : (req.json as Any).stream === false
          ? { fixture: 'ollama/chat-text.json' }
          : {
              fixture: 'ollama/chat-text.ndjson',
              headers: { 'content-type': 'application/x-ndjson' },
              byteByByte: true,
            },
    'POST /api/generate': {
      fixture: 'ollama/generate-text.ndjson',
      headers: { 'content-type': 'application/x-ndjson' },
    },
    'POST /api/embed': { fixture: 'ollama/embed.json' },
    'POST /api/embeddings': { json: { embedding: [0.5, -0.25] } },
    'POST /api/pull': {
      fixture: 'ollama/pull-progress.ndjson',
      headers: { 'content-type': 'application/x-ndjson' },
    },
    'DELETE /api/delete': { text: '' },
    'POST /api/copy': { text: '' },
    'HEAD /api/blobs/sha256:29fdb92e57cf082e': { status: 404, text: '' },
    'POST /api/create': {
      text: '{"status":"using existing layer sha256:dde5aa3fc5ff"}\n{"status":"writing manifest"}\n{"status":"success"}\n',
      headers: { 'content-type': 'application/x-ndjson' },
    },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { local: { type: 'ollama', base_url: upstream.url, discover: false } },
    models: [
      { id: 'my-llama', deployments: [{ provider: 'local', model: 'llama3.2' }] },
      { id: 'stalling', deployments: [{ provider: 'local', model: 'stalls' }] },
    ],
  });
  ollama = new Ollama({ host: gateway.url });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const last = () => upstream.requests.at(-1)!;

describe('passthrough to an ollama provider', () => {
  it('forwards a chat with every native field, only the model replaced, and pipes the NDJSON back byte for byte', async () => {
    const request = {
      model: 'my-llama',
      messages: [{ role: 'user', content: 'why is the sky blue?', images: ['iVBORw0KGgo='] }],
      options: { num_predict: 9, mirostat: 2, num_thread: 3 },
      keep_alive: -1,
      think: 'high',
      format: 'json',
    };
    const res = await fetch(`${gateway.url}/api/chat`, { method: 'POST', body: JSON.stringify(request) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await res.text()).toBe(fixture('chat-text.ndjson'));
    expect(last().path).toBe('/api/chat');
    expect(last().json).toEqual({ ...request, model: 'llama3.2' });
  });

  it('pipes NDJSON line by line: the first line arrives while the upstream has not finished', async () => {
    const stream = await ollama.chat({
      model: 'stalling',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const first = await stream[Symbol.asyncIterator]().next();
    const [documented] = fixture('chat-text.ndjson').split('\n');
    expect(first.value).toEqual(JSON.parse(documented!));
    expect(upstream.openResponses()).toBeGreaterThan(0);
    stream.abort();
  });

  it('ollama-js reads the piped stream and the whole answer', async () => {
    const parts = [];
    for await (const p of await ollama.chat({
      model: 'my-llama',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    })) {
      parts.push(p);
    }
    const expected = fixture('chat-text.ndjson')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Any);
    expect(parts.map((p) => p.message.content)).toEqual(expected.map((l) => l.message.content));
    expect(parts.at(-1)!.done).toBe(true);
    const whole = await ollama.chat({
      model: 'my-llama',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: false,
    });
    expect(whole).toEqual(JSON.parse(fixture('chat-text.json')));
  });

  it('forwards generate with context and template, which only Ollama honours', async () => {
    const res = await fetch(`${gateway.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'my-llama',
        prompt: 'Hi',
        context: [1, 2, 3],
        template: '{{ .Prompt }}',
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(fixture('generate-text.ndjson'));
    expect(last().json).toEqual({
      model: 'llama3.2',
      prompt: 'Hi',
      context: [1, 2, 3],
      template: '{{ .Prompt }}',
    });
  });

  it('forwards /api/embed and /api/embeddings', async () => {
    const embed = await ollama.embed({ model: 'my-llama', input: ['a', 'b'], truncate: false });
    expect(embed).toEqual(JSON.parse(fixture('embed.json')));
    expect(last().json).toEqual({ model: 'llama3.2', input: ['a', 'b'], truncate: false });
    const legacy = await ollama.embeddings({ model: 'my-llama', prompt: 'a' });
    expect(legacy).toEqual({ embedding: [0.5, -0.25] });
    expect(last().path).toBe('/api/embeddings');
  });
});

describe('model management passed on to an ollama provider', () => {
  const lastAt = (path: string) => upstream.requests.filter((r) => r.path === path).at(-1)!;

  it("pull, copy, delete and create go to the same routes upstream with the upstream names, and Ollama's lines come back", async () => {
    const lines = [];
    for await (const line of await ollama.pull({ model: 'my-llama', stream: true })) lines.push(line);
    expect(lines).toEqual(
      fixture('pull-progress.ndjson')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    );
    expect(lastAt('/api/pull').json).toEqual({ model: 'llama3.2', stream: true });

    await ollama.copy({ source: 'my-llama', destination: 'llama-backup' });
    expect(lastAt('/api/copy').json).toEqual({ source: 'llama3.2', destination: 'llama-backup' });

    await ollama.delete({ model: 'my-llama' });
    expect(lastAt('/api/delete').method).toBe('DELETE');
    expect(lastAt('/api/delete').json).toEqual({ model: 'llama3.2' });

    const created = await ollama.create({
      model: 'mario',
      from: 'my-llama',
      system: 'You are Mario.',
      stream: false,
    });
    expect(created).toEqual({ status: 'success' });
    expect(lastAt('/api/create').json).toEqual({
      model: 'mario',
      from: 'llama3.2',
      system: 'You are Mario.',
      stream: true,
    });

    const blob = await fetch(`${gateway.url}/api/blobs/sha256:29fdb92e57cf082e`, { method: 'HEAD' });
    expect(blob.status).toBe(404);
    expect(lastAt('/api/blobs/sha256:29fdb92e57cf082e').method).toBe('HEAD');
  });
});
