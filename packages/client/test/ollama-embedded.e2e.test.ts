/**
 * End to end: the `ollama` platform against Switchyard's own `/api/*` routes with the embedded engine (a
 * `switchyard serve` process whose `models_dir` is a fresh temporary directory): models pulled with progress from
 * a local HTTP server serving the shared GGUF models, then listed, shown, chatted with, completed, embedded,
 * copied, created from an uploaded blob and deleted, all on real weights.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GatewayProcess,
  MODELS_DIR,
  startGatewayProcess,
} from '../../gateway/test/support/gateway-process.js';
import { type ModelFileServer, startModelFileServer } from '../../gateway/test/support/model-file-server.js';
import { BadRequestError, ModelNotFoundError, OpenAICompatibleClient } from '../src/index.js';

const QWEN = 'stories260K-qwen2.5-chat-template';
const STORIES = 'stories260K';

let files: ModelFileServer;
let gateway: GatewayProcess;
let ollama: OpenAICompatibleClient<'ollama'>;
let modelsDir: string;

beforeAll(async () => {
  modelsDir = mkdtempSync(join(tmpdir(), 'client-ollama-e2e-'));
  files = await startModelFileServer();
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { local: { type: 'embedded', models_dir: modelsDir, pull_registry: files.url } },
  });
  ollama = new OpenAICompatibleClient({ baseURL: gateway.url, platform: 'ollama', maxRetries: 0 });
});

afterAll(async () => {
  await ollama?.close();
  await gateway?.stop();
  await files?.close();
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});

describe('ollama platform on Switchyard with the embedded engine', () => {
  it('pulls a model with progress events up to the whole file, then lists and shows it', async () => {
    const size = readFileSync(join(MODELS_DIR, `${QWEN}.gguf`)).length;
    const events = [];
    for await (const event of ollama.models.pull({ model: QWEN })) events.push(event);
    expect(events[0]!.status).toBe('pulling manifest');
    const downloads = events.filter((e) => e.digest !== undefined);
    expect(downloads.length).toBeGreaterThan(1);
    expect(
      downloads.every((e) => e.digest === `sha256:${files.sha256(`${QWEN}.gguf`)}` && e.total === size),
    ).toBe(true);
    expect(downloads.at(-1)!.completed).toBe(size);
    expect(events.at(-1)!.status).toBe('success');

    const page = await ollama.models.list();
    expect(page.data.map((m) => m.id)).toEqual([QWEN]);
    expect(page.models[0]!.digest).toBe(files.sha256(`${QWEN}.gguf`));
    const info = await ollama.models.info({ model: QWEN });
    expect(info.details?.format).toBe('gguf');
    expect(info.capabilities).toContain('tools');
  });

  it('chats (streamed and whole) and completes on the pulled model', async () => {
    const params = {
      model: QWEN,
      messages: [{ role: 'user' as const, content: 'Tell me a story.' }],
      max_tokens: 6,
      temperature: 0,
    };
    const whole = await ollama.chat.completions.create(params);
    expect(whole.choices[0]!.finish_reason).toBe('length');
    expect(whole.usage!.completion_tokens).toBe(6);
    let text = '';
    for await (const chunk of await ollama.chat.completions.create({ ...params, stream: true })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(whole.choices[0]!.message.content);
    const completion = await ollama.completions.create({
      model: QWEN,
      prompt: 'Once upon a time',
      max_tokens: 4,
    });
    expect(completion.usage!.completion_tokens).toBe(4);
  });

  it('embeds through /api/embed: one unit-length vector per input', async () => {
    const res = await ollama.embeddings.create({ model: QWEN, input: ['a cat', 'a dog'] });
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    for (const { embedding } of res.data) {
      const vector = embedding as number[];
      expect(vector).toHaveLength(64);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('pushes a blob, creates a model from it, copies and deletes models', async () => {
    const bytes = readFileSync(join(MODELS_DIR, `${STORIES}.gguf`));
    expect(await ollama.blobs.check(`sha256:${files.sha256(`${STORIES}.gguf`)}`)).toBe(false);
    const digest = await ollama.blobs.push(bytes);
    expect(digest).toBe(`sha256:${files.sha256(`${STORIES}.gguf`)}`);
    expect(await ollama.blobs.check(digest)).toBe(true);
    const created = await ollama.models.create({ model: STORIES, files: { 'model.gguf': digest } }).done();
    expect(created.status).toBe('success');
    await ollama.models.copy({ source: STORIES, destination: 'stories-copy' });
    const c = await ollama.completions.create({ model: 'stories-copy', prompt: 'Once', max_tokens: 3 });
    expect(c.usage!.completion_tokens).toBe(3);
    await ollama.models.delete('stories-copy');
    expect((await ollama.models.list()).data.map((m) => m.id).sort()).toEqual([STORIES, QWEN].sort());
    await expect(ollama.models.delete('stories-copy')).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(
      ollama.models.create({ model: 'x', files: { 'a.gguf': `sha256:${'0'.repeat(64)}` } }).done(),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});
