/**
 * A real engine behind a real HTTP hop: gateway B serves the embedded models; gateway A fronts B as an
 * `openai-compatible` upstream under an alias. The official `openai` SDK must get the same results through A
 * as directly from B.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GatewayProcess,
  MODELS_DIR,
  REPO_ROOT,
  startGatewayProcess,
} from './support/gateway-process.js';

let engine: GatewayProcess;
let front: GatewayProcess;
let direct: OpenAI;
let viaFront: OpenAI;
const request = {
  messages: [{ role: 'user' as const, content: 'Tell me about a dog.' }],
  max_tokens: 16,
  temperature: 0,
};

beforeAll(async () => {
  engine = await startGatewayProcess(readFileSync(join(REPO_ROOT, 'switchyard.yaml'), 'utf8'), {
    SWITCHYARD_MODELS_DIR: MODELS_DIR,
  });
  front = await startGatewayProcess({
    providers: { engine: { type: 'openai-compatible', base_url: `${engine.url}/v1`, discover: false } },
    models: [
      {
        id: 'story-teller',
        deployments: [{ provider: 'engine', model: 'stories260K-qwen2.5-chat-template' }],
      },
    ],
  });
  direct = new OpenAI({ baseURL: `${engine.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  viaFront = new OpenAI({ baseURL: `${front.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await front?.stop();
  await engine?.stop();
});

describe('gateway in front of a gateway running the embedded engine', () => {
  it('lists only the explicit alias when discovery is off', async () => {
    expect((await viaFront.models.list()).data.map((m) => [m.id, m.owned_by])).toEqual([
      ['story-teller', 'engine'],
    ]);
  });

  it('answers chat completions with the engine text, non-streamed and streamed', async () => {
    const expected = await direct.chat.completions.create({
      model: 'stories260K-qwen2.5-chat-template',
      ...request,
    });
    const proxied = await viaFront.chat.completions.create({ model: 'story-teller', ...request });
    expect(proxied.choices[0]!.message.content).toBe(expected.choices[0]!.message.content);
    expect(proxied.usage).toEqual(expected.usage);

    const stream = await viaFront.chat.completions.create({
      model: 'story-teller',
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(expected.choices[0]!.message.content);
    expect(usage).toEqual(expected.usage);
  });

  it('passes engine errors through with their status', async () => {
    const err = await viaFront.chat.completions
      .create({
        model: 'story-teller',
        messages: [{ role: 'user', content: 'x '.repeat(3000) }],
        max_tokens: 4,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(
      /maximum context length is 2048 tokens\. However, you requested \d+ tokens in the messages/,
    );
  });

  it('serves embeddings through the hop (SDK default base64 decoded to the same floats)', async () => {
    const a = await direct.embeddings.create({ model: 'stories260K-qwen2.5-chat-template', input: 'a cat' });
    const b = await viaFront.embeddings.create({ model: 'story-teller', input: 'a cat' });
    expect(b.data[0]!.embedding).toEqual(a.data[0]!.embedding);
    expect(b.data[0]!.embedding).toHaveLength(64);
  });
});
