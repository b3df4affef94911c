/**
 * Ollama-specific endpoints against the fake Ollama: progress streams of pull/push/create (iterated and
 * awaited), blobs with the client-side digest, show/copy/delete/ps/version/legacy embeddings, and their errors.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  APIError,
  APIUserAbortError,
  BadRequestError,
  ModelNotFoundError,
  NotFoundError,
  OpenAICompatibleClient,
  UnsupportedPlatformError,
} from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './support/fake-ollama.js';

let fake: FakeOllama;
let ollama: OpenAICompatibleClient<'ollama'>;

beforeAll(async () => {
  fake = await startFakeOllama();
  ollama = new OpenAICompatibleClient({ baseURL: `${fake.url}/v1`, platform: 'ollama' });
});
afterAll(async () => {
  await ollama.close();
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe('progress streams', () => {
  it('pull yields every progress line as it arrives, ending with success', async () => {
    const events = [];
    for await (const event of ollama.models.pull({ model: 'qwen3:0.6b' })) events.push(event);
    expect(fake.requests[0]!.json).toEqual({ model: 'qwen3:0.6b', stream: true });
    expect(events.map((e) => e.status)).toEqual([
      'pulling manifest',
      expect.stringMatching(/^pulling [0-9a-f]{12}$/),
      expect.stringMatching(/^pulling /),
      expect.stringMatching(/^pulling /),
      'verifying sha256 digest',
      'writing manifest',
      'success',
    ]);
    expect(events[2]).toMatchObject({ total: 2019377376, completed: 241970 });
    expect(fake.models.has('qwen3:0.6b')).toBe(true);
  });

  it('abort() stops a pull: the iteration rejects with APIUserAbortError, not a raw DOMException', async () => {
    const stream = ollama.models.pull({ model: 'qwen3:0.6b' });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const progress of stream) {
        seen.push(progress.status);
        stream.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(seen).toEqual(['pulling manifest']);
    const signalled = new AbortController();
    signalled.abort();
    await expect(
      ollama.models.pull({ model: 'x' }, { signal: signalled.signal }).done(),
    ).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('done() waits for the end and reports progress; the stream starts only when used', async () => {
    const stream = ollama.models.pull({ model: 'tinyllama' });
    expect(fake.requests).toHaveLength(0);
    const seen: string[] = [];
    const final = await stream.done((p) => seen.push(p.status));
    expect(final).toEqual({ status: 'success' });
    expect(seen).toHaveLength(7);
  });

  it('an error line after the stream started rejects with an APIError', async () => {
    const error = await ollama.models
      .pull({ model: 'missing-model' })
      .done()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toBe('pull model manifest: file does not exist');
  });

  it('push streams upload progress; a missing model is a ModelNotFoundError', async () => {
    const final = await ollama.models.push({ model: 'llama3.2:latest' }).done();
    expect(final.status).toBe('success');
    await expect(ollama.models.push({ model: 'ns/none:latest' }).done()).rejects.toBeInstanceOf(
      ModelNotFoundError,
    );
  });
});

describe('blobs and create', () => {
  const bytes = Buffer.from('GGUF fake model bytes');
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

  it('pushes a blob from bytes, a path and a stream with the client-side digest, then creates a model', async () => {
    expect(await ollama.blobs.check(digest)).toBe(false);
    expect(await ollama.blobs.push(bytes)).toBe(digest);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: `/api/blobs/${digest}` });
    expect(fake.requests.at(-1)!.body.equals(bytes)).toBe(true);
    expect(await ollama.blobs.check(digest)).toBe(true);

    const file = join(mkdtempSync(join(tmpdir(), 'client-blob-')), 'model.gguf');
    writeFileSync(file, 'another file');
    const fileDigest = await ollama.blobs.push(file);
    expect(fileDigest).toBe(`sha256:${createHash('sha256').update('another file').digest('hex')}`);
    expect(await ollama.blobs.push(Readable.from([Buffer.from('stream '), Buffer.from('bytes')]))).toBe(
      `sha256:${createHash('sha256').update('stream bytes').digest('hex')}`,
    );
    expect(fake.blobs.size).toBe(3);

    const events = [];
    for await (const e of ollama.models.create({ model: 'mine', files: { 'model.gguf': digest } }))
      events.push(e.status);
    expect(events).toEqual(['parsing GGUF', `using existing layer ${digest}`, 'writing manifest', 'success']);
    expect(fake.models.has('mine:latest')).toBe(true);
  });

  it('create with an unknown blob fails with BadRequestError before any progress', async () => {
    const missing = `sha256:${'0'.repeat(64)}`;
    await expect(
      ollama.models.create({ model: 'x', files: { 'a.gguf': missing } }).done(),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('model management', () => {
  it('info, copy, running, delete', async () => {
    const info = await ollama.models.info({ model: 'llama3.2' });
    expect(info.model_info).toMatchObject({ 'general.architecture': 'llama' });
    await ollama.models.copy({ source: 'llama3.2', destination: 'copy-of-llama' });
    expect(fake.models.has('copy-of-llama:latest')).toBe(true);
    const running = await ollama.models.running();
    expect(running.models[0]).toMatchObject({ name: 'llama3.2:latest', context_length: 2048 });
    await ollama.models.delete('copy-of-llama');
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/api/delete',
      json: { model: 'copy-of-llama' },
    });
    await expect(ollama.models.delete('copy-of-llama')).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(ollama.models.copy({ source: 'nope', destination: 'x' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('version, health and the legacy embeddings route', async () => {
    expect(await ollama.version()).toEqual({ version: '0.12.11' });
    expect(await ollama.health()).toBe(true);
    const legacy = await ollama.embeddings.legacy({ model: 'llama3.2', prompt: 'hi' });
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/api/embeddings',
      json: { model: 'llama3.2', prompt: 'hi' },
    });
    expect(legacy.embedding).toHaveLength(4);
  });
});

describe('platform checks', () => {
  it('vLLM-only methods, called from untyped code, reject with UnsupportedPlatformError naming the method', async () => {
    const untyped = ollama as unknown as OpenAICompatibleClient<'vllm'>;
    await expect(untyped.tokenizer.encode({ prompt: 'x' })).rejects.toBeInstanceOf(UnsupportedPlatformError);
    await expect(untyped.rerank.create({ query: 'q', documents: ['d'] })).rejects.toThrow(
      'rerank.create is not supported on the ollama platform',
    );
    await expect(untyped.audio.transcriptions.create({ file: new Uint8Array([1]) })).rejects.toMatchObject({
      method: 'audio.transcriptions.create',
      platform: 'ollama',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('Ollama-only methods reject with UnsupportedPlatformError on other platforms', async () => {
    const vllm = new OpenAICompatibleClient({
      baseURL: fake.url,
      platform: 'vllm',
    }) as unknown as OpenAICompatibleClient<'ollama'>;
    const pull = vllm.models.pull({ model: 'x' });
    await expect(pull.done()).rejects.toThrow('models.pull is not supported on the vllm platform');
    await expect(vllm.blobs.check('sha256:00')).rejects.toBeInstanceOf(UnsupportedPlatformError);
    await expect(vllm.embeddings.legacy({ model: 'x', prompt: 'y' })).rejects.toBeInstanceOf(
      UnsupportedPlatformError,
    );
    const openai = new OpenAICompatibleClient({
      platform: 'openai',
      apiKey: 'k',
    }) as unknown as OpenAICompatibleClient<'vllm'>;
    await expect(openai.version()).rejects.toBeInstanceOf(UnsupportedPlatformError);
    expect(fake.requests).toHaveLength(0);
  });
});
