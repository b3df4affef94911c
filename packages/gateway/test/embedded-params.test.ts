/**
 * The embedded provider enforces its capability data (src/providers/embedded/capabilities.ts, the same data
 * docs/providers.md is rendered from): fields the engine does not honour are a 400 naming them, or dropped
 * and reported when `drop_unsupported_params` is set. Runs against the real tiny GGUF models in
 * shared/models (env `SWITCHYARD_MODELS_DIR`).
 */
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedConfigSchema } from '../src/providers/embedded/config.js';
import { EmbeddedProvider } from '../src/providers/embedded/provider.js';
import type { Endpoint, ModelOptions } from '../src/providers/provider.js';
import { MODELS_DIR } from './support/gateway-process.js';
import { jsonBody, providerRequest } from './support/provider-request.js';
import { rejection } from './support/rejections.js';

const STORIES = 'stories260K';
const DROPPED = 'x-switchyard-dropped-params';

const provider = new EmbeddedProvider(
  'local',
  EmbeddedConfigSchema.parse({ type: 'embedded', models_dir: MODELS_DIR }),
  '/',
  pino({ level: 'silent' }),
);
afterAll(async () => {
  await provider.close();
});

const chat = { messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 2, temperature: 0 };
const completion = { prompt: 'Once upon a time', max_tokens: 2, temperature: 0 };

function call(endpoint: Endpoint, body: Record<string, unknown>, options: ModelOptions = {}) {
  return provider.handle(providerRequest(endpoint, { model: STORIES, ...body }, options, STORIES));
}

describe('embedded engine: fields it does not honour', () => {
  it('answers 400 naming a field outside its capabilities, on every endpoint', async () => {
    const cases: [Endpoint, Record<string, unknown>, string][] = [
      ['chat.completions', { ...chat, reasoning_effort: 'low' }, 'reasoning_effort'],
      ['chat.completions', { ...chat, modalities: ['text', 'audio'] }, 'modalities'],
      ['completions', { ...completion, suffix: ' The end.' }, 'suffix'],
    ];
    for (const [endpoint, body, param] of cases) {
      const err = await rejection(call(endpoint, body));
      expect(err.status).toBe(400);
      expect(err.param).toBe(param);
      expect(err.code).toBe('unsupported_parameter');
    }
  });

  it('drops them with drop_unsupported_params and lists them in the dropped-params header', async () => {
    const res = await call(
      'chat.completions',
      { ...chat, user: 'u-1', reasoning_effort: 'low', verbosity: 'low' },
      { drop_unsupported_params: true },
    );
    expect(jsonBody(res).object).toBe('chat.completion');
    expect(res.headers?.[DROPPED]).toBe('reasoning_effort, verbosity');
  });

  it('accepts the fields that ask nothing of the model on every endpoint, and they change nothing', async () => {
    const inert = {
      user: 'u-1',
      safety_identifier: 's-1',
      metadata: { app: 'a' },
      store: true,
      prompt_cache_key: 'k-1',
      service_tier: 'auto',
      n: 1,
      stream_options: { include_usage: true },
    };
    type Chat = { choices: { message: { content: string } }[]; usage: unknown };
    const plain = jsonBody(await call('chat.completions', chat)) as Chat;
    const withInert = await call('chat.completions', { ...chat, ...inert });
    expect(withInert.headers?.[DROPPED]).toBeUndefined();
    const answer = jsonBody(withInert) as Chat;
    expect(answer.choices[0]!.message.content).toBe(plain.choices[0]!.message.content);
    expect(answer.usage).toEqual(plain.usage);
    const text = await call('completions', { ...completion, user: 'u-1', n: 1 });
    expect(jsonBody(text).choices).toHaveLength(1);
    const vectors = await call('embeddings', { input: 'a cat', user: 'u-1' });
    expect((jsonBody(vectors) as { data: { embedding: number[] }[] }).data[0]!.embedding).toHaveLength(64);
  });

  it('accepts neutral values and the vLLM sampling extras it maps to the sampler', async () => {
    const res = await call('chat.completions', {
      ...chat,
      n: 1,
      logprobs: false,
      parallel_tool_calls: true,
      store: false,
      top_k: 1,
      min_p: 0.05,
      repetition_penalty: 1.1,
    });
    expect(jsonBody(res).choices).toHaveLength(1);
    expect(res.headers?.[DROPPED]).toBeUndefined();
  });
});

describe('embedded engine: values it cannot honour', () => {
  it('best_of greater than n: 400 naming best_of, or dropped (the n choices come back)', async () => {
    expect((await rejection(call('completions', { ...completion, best_of: 3 }))).param).toBe('best_of');
    const res = await call('completions', { ...completion, best_of: 3 }, { drop_unsupported_params: true });
    expect(jsonBody(res).choices).toHaveLength(1);
    expect(res.headers?.[DROPPED]).toBe('best_of');
  });

  it('echo with logprobs: 400 naming echo, or dropped (the text comes back without the prompt)', async () => {
    expect((await rejection(call('completions', { ...completion, echo: true, logprobs: 1 }))).param).toBe(
      'echo',
    );
    const res = await call(
      'completions',
      { ...completion, echo: true, logprobs: 1 },
      { drop_unsupported_params: true },
    );
    const choice = (jsonBody(res).choices as { text: string; logprobs: { tokens: string[] } }[])[0]!;
    expect(choice.text.startsWith(completion.prompt)).toBe(false);
    expect(choice.logprobs.tokens.length).toBeGreaterThan(0);
    expect(res.headers?.[DROPPED]).toBe('echo');
  });

  it("dimensions: the model's own size passes; another is a 400 naming dimensions, or dropped", async () => {
    const own = jsonBody(await call('embeddings', { input: 'a cat', dimensions: 64 }));
    expect((own.data as { embedding: number[] }[])[0]!.embedding).toHaveLength(64);
    expect((await rejection(call('embeddings', { input: 'a cat', dimensions: 32 }))).param).toBe(
      'dimensions',
    );
    const res = await call(
      'embeddings',
      { input: 'a cat', dimensions: 32 },
      { drop_unsupported_params: true },
    );
    expect((jsonBody(res).data as { embedding: number[] }[])[0]!.embedding).toHaveLength(64);
    expect(res.headers?.[DROPPED]).toBe('dimensions');
  });
});
