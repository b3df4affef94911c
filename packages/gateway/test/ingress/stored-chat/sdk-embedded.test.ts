/**
 * End to end: stored chat completions with the unmodified `openai` SDK against a gateway process on the embedded
 * engine (the calls of Llama Stack's OpenAI-compatibility tests): `chat.completions.create({store: true})`,
 * streamed or not, then `list` (pages, `model` and `metadata` filters), `retrieve`, `messages.list`, `update`
 * and `delete`.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

const STORIES = 'stories260K';
const QWEN = 'stories260K-qwen2.5-chat-template';

let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
    store: { url: 'sqlite:chat.db' },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('stored chat completions', () => {
  it('records store: true completions, streamed or not, and lists them by model and metadata in pages', async () => {
    const made: OpenAI.ChatCompletion[] = [];
    for (const [i, model] of [STORIES, QWEN, STORIES].entries()) {
      made.push(
        await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: `Story ${i}` }],
          max_tokens: 3,
          store: true,
          metadata: { suite: 'stored', n: String(i) },
        }),
      );
    }
    const stream = await client.chat.completions.create({
      model: QWEN,
      messages: [{ role: 'user', content: 'Streamed story' }],
      max_tokens: 3,
      store: true,
      stream: true,
      metadata: { suite: 'stored', n: 'stream' },
    });
    let streamedText = '';
    let streamedId = '';
    for await (const chunk of stream) {
      streamedId = chunk.id;
      streamedText += chunk.choices[0]?.delta.content ?? '';
    }
    await client.chat.completions.create({
      model: STORIES,
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 1,
    });

    const all = await client.chat.completions.list({ metadata: { suite: 'stored' } });
    expect(all.data.map((c) => c.id)).toEqual([...made.map((c) => c.id), streamedId]);
    const streamed = all.data.at(-1)!;
    expect(streamed.choices[0]!.message.content).toBe(streamedText);
    expect((streamed as unknown as { metadata: unknown }).metadata).toEqual({ suite: 'stored', n: 'stream' });

    const stories = await client.chat.completions.list({ model: STORIES, metadata: { suite: 'stored' } });
    expect(stories.data.map((c) => c.id)).toEqual([made[0]!.id, made[2]!.id]);
    const page = await client.chat.completions.list({
      limit: 2,
      order: 'desc',
      metadata: { suite: 'stored' },
    });
    expect(page.data.map((c) => c.id)).toEqual([streamedId, made[2]!.id]);
    expect(page.has_more).toBe(true);
    const next = await client.chat.completions.list({
      limit: 2,
      order: 'desc',
      after: page.data[1]!.id,
      metadata: { suite: 'stored' },
    });
    expect(next.data.map((c) => c.id)).toEqual([made[1]!.id, made[0]!.id]);
  });

  it('retrieves one, lists its messages, updates its metadata and deletes it', async () => {
    const created = await client.chat.completions.create({
      model: QWEN,
      messages: [
        { role: 'system', content: 'Tell stories.' },
        { role: 'user', content: 'About a cat.' },
      ],
      max_tokens: 3,
      store: true,
    });
    const retrieved = await client.chat.completions.retrieve(created.id);
    expect(retrieved.id).toBe(created.id);
    expect(retrieved.choices[0]!.message.content).toBe(created.choices[0]!.message.content);
    expect(retrieved.model).toBe(QWEN);

    const messages = await client.chat.completions.messages.list(created.id);
    expect(messages.data.map((m) => [m.role, m.content])).toEqual([
      ['system', 'Tell stories.'],
      ['user', 'About a cat.'],
    ]);
    expect(messages.data[0]!.id).toBe(`${created.id}-0`);

    const updated = await client.chat.completions.update(created.id, { metadata: { reviewed: 'yes' } });
    expect((updated as unknown as { metadata: unknown }).metadata).toEqual({ reviewed: 'yes' });
    const byMetadata = await client.chat.completions.list({ metadata: { reviewed: 'yes' } });
    expect(byMetadata.data.map((c) => c.id)).toEqual([created.id]);

    const deleted = await client.chat.completions.delete(created.id);
    expect(deleted).toEqual({ object: 'chat.completion.deleted', id: created.id, deleted: true });
    for (const call of [
      () => client.chat.completions.retrieve(created.id),
      () => client.chat.completions.messages.list(created.id),
      () => client.chat.completions.update(created.id, { metadata: {} }),
      () => client.chat.completions.delete(created.id),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    }
  });

  it('does not record a completion without store: true', async () => {
    const created = await client.chat.completions.create({
      model: STORIES,
      messages: [{ role: 'user', content: 'Unstored' }],
      max_tokens: 1,
    });
    await expect(client.chat.completions.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
