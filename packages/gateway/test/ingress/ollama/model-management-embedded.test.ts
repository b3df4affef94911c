/**
 * End to end: the unmodified `ollama` npm package (ollama-js) → a real `switchyard serve` process → `/api/pull`,
 * `/api/copy`, `/api/delete`, `/api/blobs/:digest` and `/api/create` on an embedded provider whose `models_dir`
 * is a fresh temporary directory, with the GGUF files downloaded from a local HTTP server serving the shared
 * models (test/support/model-file-server.ts), and the new models answering chats on the real engine.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ollama, type ProgressResponse } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';
import { type ModelFileServer, startModelFileServer } from '../../support/model-file-server.js';

const STORIES = 'stories260K.gguf';
const QWEN = 'stories260K-qwen2.5-chat-template.gguf';
const TINY = 'llama-2-tiny-random.gguf';
const CUT_AT = 400_000;

let files: ModelFileServer;
let gateway: GatewayProcess;
let ollama: Ollama;
let modelsDir: string;

beforeAll(async () => {
  modelsDir = mkdtempSync(join(tmpdir(), 'switchyard-pull-'));
  files = await startModelFileServer(CUT_AT);
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: {
      local: { type: 'embedded', models_dir: modelsDir, pull_registry: `${files.url}/` },
      remote: { type: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', discover: false },
    },
    models: [{ id: 'remote-model', deployments: [{ provider: 'remote', model: 'x' }] }],
  });
  ollama = new Ollama({ host: gateway.url });
});

afterAll(async () => {
  await gateway?.stop();
  await files?.close();
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});

async function collect(stream: AsyncIterable<ProgressResponse>): Promise<ProgressResponse[]> {
  const lines: ProgressResponse[] = [];
  for await (const line of stream) lines.push(line);
  return lines;
}

async function listed(): Promise<string[]> {
  return (await ollama.list()).models.map((m) => m.name);
}

async function chatsAt(model: string): Promise<void> {
  const answer = await ollama.chat({
    model,
    messages: [{ role: 'user', content: 'Tell me a story.' }],
    options: { num_predict: 4, temperature: 0, seed: 1 },
  });
  expect(answer.done_reason).toBe('length');
  expect(answer.eval_count).toBe(4);
  expect(answer.message.content.length).toBeGreaterThan(0);
}

describe('ollama.pull()', () => {
  it('downloads a URL into models_dir with Ollama progress lines, and the model answers a chat right after', async () => {
    const size = readFileSync(join(MODELS_DIR, QWEN)).length;
    const sha = files.sha256(QWEN);
    const lines = await collect(await ollama.pull({ model: `${files.url}/${QWEN}`, stream: true }));
    expect(lines[0]).toEqual({ status: 'pulling manifest' });
    const progress = lines.filter((l) => l.digest !== undefined);
    expect(progress.length).toBeGreaterThan(5);
    for (const line of progress) {
      expect(line).toEqual({
        status: `pulling ${sha.slice(0, 12)}`,
        digest: `sha256:${sha}`,
        total: size,
        completed: line.completed,
      });
    }
    const completed = progress.map((l) => l.completed);
    expect(completed).toEqual([...completed].sort((a, b) => a - b));
    expect(completed[0]).toBe(0);
    expect(completed.at(-1)).toBe(size);
    expect(lines.slice(progress.length + 1).map((l) => l.status)).toEqual([
      'verifying sha256 digest',
      'writing manifest',
      'success',
    ]);
    expect(readdirSync(modelsDir).sort()).toEqual([QWEN]);
    const id = QWEN.replace('.gguf', '');
    expect(await listed()).toContain(id);
    await chatsAt(id);
  });

  it('resumes an interrupted download with a Range request from where it stopped', async () => {
    const size = readFileSync(join(MODELS_DIR, STORIES)).length;
    const url = `${files.url}/cut/${STORIES}`;
    await expect(collect(await ollama.pull({ model: url, stream: true }))).rejects.toThrow(
      /interrupted after \d+ of \d+ bytes.*pull again to resume/,
    );
    expect(readdirSync(modelsDir)).toContain(`${STORIES}.partial`);
    expect(await listed()).not.toContain('stories260K');
    const lines = await collect(await ollama.pull({ model: url, stream: true }));
    const resumed = files.seen.filter((r) => r.path === `/cut/${STORIES}`).at(-1)!;
    const from = Number(/^bytes=(\d+)-$/.exec(resumed.range ?? '')?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(CUT_AT);
    const progress = lines.filter((l) => l.digest !== undefined);
    expect(progress[0]!.completed).toBe(from);
    expect(progress.at(-1)!.completed).toBe(size);
    expect(lines.at(-1)).toEqual({ status: 'success' });
    expect(readFileSync(join(modelsDir, STORIES)).equals(readFileSync(join(MODELS_DIR, STORIES)))).toBe(true);
    expect(readdirSync(modelsDir)).not.toContain(`${STORIES}.partial`);
    await chatsAt('stories260K');
  });

  it('rejects a file whose bytes do not match its sha256, and keeps nothing of it', async () => {
    const pull = ollama.pull({ model: `${files.url}/corrupt/${TINY}`, stream: false });
    await expect(pull).rejects.toMatchObject({
      status_code: 502,
      error: expect.stringMatching(
        /^digest mismatch, file must be downloaded again: want sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}$/,
      ),
    });
    expect(readdirSync(modelsDir).filter((f) => f.startsWith('llama-2-tiny-random'))).toEqual([]);
    expect(await listed()).not.toContain('llama-2-tiny-random');
  });

  it('refuses an expected checksum given with @sha256: that the file does not have', async () => {
    const wrong = 'a'.repeat(64);
    const lines = await ollama.pull({ model: `${files.url}/${TINY}@sha256:${wrong}`, stream: true });
    await expect(collect(lines)).rejects.toThrow(`want sha256:${wrong}, got sha256:${files.sha256(TINY)}`);
  });

  it('pulls a name from pull_registry with stream:false, answering {"status":"success"}', async () => {
    expect(await ollama.pull({ model: 'llama-2-tiny-random:latest', stream: false })).toEqual({
      status: 'success',
    });
    const shown = await ollama.show({ model: 'llama-2-tiny-random' });
    expect(shown.details.family).toBe('llama');
    expect(files.seen.some((r) => r.path === `/${TINY}.sha256`)).toBe(true);
  });

  it('answers 404 in Ollama shape for a file the server does not have, 400 for a bad name', async () => {
    await expect(ollama.pull({ model: `${files.url}/nothing.gguf`, stream: true })).rejects.toMatchObject({
      status_code: 404,
      error: expect.stringContaining('file does not exist'),
    });
    await expect(ollama.pull({ model: '../escape', stream: false })).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringContaining("invalid model name '../escape'"),
    });
  });
});

describe('ollama.copy() and ollama.delete()', () => {
  it('copies a model to a new name that is served at once, then deletes it', async () => {
    await ollama.copy({ source: 'stories260K', destination: 'stories-copy' });
    expect(await listed()).toEqual(expect.arrayContaining(['stories260K', 'stories-copy']));
    await chatsAt('stories-copy');
    await ollama.delete({ model: 'stories-copy' });
    expect(await listed()).not.toContain('stories-copy');
    expect(readdirSync(modelsDir)).not.toContain('stories-copy.gguf');
    await expect(ollama.delete({ model: 'stories-copy' })).rejects.toMatchObject({
      status_code: 404,
      error: "model 'stories-copy' not found",
    });
    await expect(ollama.copy({ source: 'missing', destination: 'x' })).rejects.toMatchObject({
      status_code: 404,
    });
  });

  it('answers 400 naming the provider for a model on a provider type without a model store', async () => {
    await expect(ollama.delete({ model: 'remote-model' })).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringContaining("provider 'remote' (type openai-compatible)"),
    });
  });
});

describe('blobs and ollama.create()', () => {
  const blobUrl = (digest: string) => `${gateway.url}/api/blobs/${digest}`;

  it('stores an uploaded blob checked against its digest, and creates a served model from it with defaults', async () => {
    const bytes = readFileSync(join(MODELS_DIR, STORIES));
    const digest = `sha256:${files.sha256(STORIES)}`;
    expect((await fetch(blobUrl(digest), { method: 'HEAD' })).status).toBe(404);
    const wrong = await fetch(blobUrl(`sha256:${'0'.repeat(64)}`), { method: 'POST', body: bytes });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/^digest mismatch/);
    expect((await fetch(blobUrl(digest), { method: 'POST', body: bytes })).status).toBe(201);
    expect((await fetch(blobUrl(digest), { method: 'HEAD' })).status).toBe(200);

    const lines = await collect(
      await ollama.create({
        model: 'made',
        stream: true,
        system: 'You tell short stories.',
        parameters: { num_predict: 3, temperature: 0 },
        files: { 'model.gguf': digest },
      } as Parameters<Ollama['create']>[0] & { stream: true }),
    );
    expect(lines.at(-1)).toEqual({ status: 'success' });
    expect(lines.map((l) => l.status)).toContain(`using existing layer ${digest}`);
    const answer = await ollama.generate({ model: 'made', prompt: 'Once upon a time', stream: false });
    expect(answer.eval_count).toBe(3);
    expect(answer.done_reason).toBe('length');
    const longer = await ollama.generate({
      model: 'made',
      prompt: 'Once upon a time',
      stream: false,
      options: { num_predict: 5 },
    });
    expect(longer.eval_count).toBe(5);
  });

  it('creates from an existing model, and refuses what the embedded engine cannot do', async () => {
    expect(await ollama.create({ model: 'made-too', from: 'made', stream: false })).toEqual({
      status: 'success',
    });
    const answer = await ollama.generate({ model: 'made-too', prompt: 'Once', stream: false });
    expect(answer.eval_count).toBe(3);
    await expect(
      ollama.create({ model: 'templated', from: 'made', template: '{{ .Prompt }}', stream: false }),
    ).rejects.toMatchObject({ status_code: 400, error: expect.stringContaining("'template' on create") });
    await expect(ollama.create({ model: 'nothing', stream: false })).rejects.toMatchObject({
      status_code: 400,
      error: "neither 'from' or 'files' was specified",
    });
    await expect(
      ollama.create({ model: 'bad', from: 'made', parameters: { num_predict: 'lots' }, stream: false }),
    ).rejects.toMatchObject({ status_code: 400 });
  });
});
