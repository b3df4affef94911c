import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import { OLLAMA_CAPABILITIES, UNSUPPORTED_FIELDS } from '../../../src/providers/ollama/capabilities.js';
import type { Endpoint } from '../../../src/providers/provider.js';
import { type Any, call, useOllamaHarness } from './harness.js';

const h = useOllamaHarness();

describe('OllamaProvider unsupported parameters', () => {
  /** A value of each unsupported field that Ollama cannot honour. */
  const BAD_VALUES: Record<string, unknown> = {
    n: 2,
    best_of: 3,
    echo: true,
    logit_bias: { '50256': -100 },
    tool_choice: 'required',
    parallel_tool_calls: false,
    modalities: ['text', 'audio'],
  };
  const BASE: Record<string, Record<string, unknown>> = {
    'chat.completions': { messages: [{ role: 'user', content: 'x' }] },
    completions: { prompt: 'x' },
    embeddings: { input: 'x' },
  };

  it('answers 400 naming each field of the capability table, before anything is sent upstream', async () => {
    for (const rule of UNSUPPORTED_FIELDS) {
      for (const endpoint of rule.endpoints) {
        const body = { ...BASE[endpoint], [rule.field]: BAD_VALUES[rule.field] ?? 'x' };
        const err = (await h.provider.handle(call(endpoint, body)).catch((e: unknown) => e)) as GatewayError;
        expect(err, `${endpoint} ${rule.field}`).toBeInstanceOf(GatewayError);
        expect([err.status, err.param, err.code]).toEqual([400, rule.field, 'unsupported_parameter']);
      }
    }
    expect(h.fake.requests).toHaveLength(0);
  });

  it('accepts the values Ollama already behaves like (n: 1, tool_choice auto, parallel_tool_calls true, echo false)', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    const res = await h.provider.handle(
      call('chat.completions', {
        messages: [{ role: 'user', content: 'x' }],
        n: 1,
        tool_choice: 'auto',
        parallel_tool_calls: true,
        logit_bias: {},
        store: false,
      }),
    );
    expect(res.kind).toBe('json');
  });

  it('accepts the fields that ask nothing of the model on every endpoint and sends none of them', async () => {
    const inert: Record<string, Record<string, unknown>> = {
      'chat.completions': {
        user: 'u-1',
        safety_identifier: 's-1',
        metadata: { app: 'a' },
        store: true,
        prompt_cache_key: 'k-1',
        service_tier: 'auto',
        stream_options: { include_usage: true },
      },
      completions: { user: 'u-1' },
      embeddings: { user: 'u-1' },
    };
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    h.fake.route('POST /api/generate', { fixture: 'ollama/generate-text.json' });
    h.fake.route('POST /api/embed', { fixture: 'ollama/embed.json' });
    for (const [endpoint, fields] of Object.entries(inert)) {
      const res = await h.provider.handle(call(endpoint as Endpoint, { ...BASE[endpoint], ...fields }));
      expect(res.headers, endpoint).toBeUndefined();
      for (const field of Object.keys(fields))
        expect(h.lastBody(), `${endpoint} ${field}`).not.toHaveProperty(field);
    }
  });

  it('drops them with drop_unsupported_params on the model, listing them in x-switchyard-dropped-params', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    const res = await h.provider.handle(
      call(
        'chat.completions',
        { messages: [{ role: 'user', content: 'x' }], n: 2, user: 'u-1', tool_choice: 'required', tools: [] },
        { drop_unsupported_params: true },
      ),
    );
    expect(res.headers).toEqual({ 'x-switchyard-dropped-params': 'n, tool_choice' });
    expect(h.lastBody()).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'x' }],
      stream: false,
      tools: [],
    });
  });

  it('refuses them on the completions route unless the resolved drop_unsupported_params says to drop them', async () => {
    h.fake.route('POST /api/generate', { fixture: 'ollama/generate-text.json' });
    const res = await h.provider.handle(
      call('completions', { prompt: 'x', echo: true }, { drop_unsupported_params: true }),
    );
    expect(res.headers).toEqual({ 'x-switchyard-dropped-params': 'echo' });
    const strict = await h.provider
      .handle(call('completions', { prompt: 'x', echo: true }, { drop_unsupported_params: false }))
      .catch((e: unknown) => e);
    expect((strict as GatewayError).param).toBe('echo');
  });

  it('describes every table entry in OLLAMA_CAPABILITIES.unsupported', () => {
    for (const rule of UNSUPPORTED_FIELDS) {
      expect(OLLAMA_CAPABILITIES.unsupported.some((line) => line.startsWith(`${rule.field} `))).toBe(true);
    }
    expect(OLLAMA_CAPABILITIES.translated).toContain('repetition_penalty → options.repeat_penalty');
  });

  it('rejects endpoints Ollama has no equivalent for', async () => {
    const err = (await h.provider
      .handle(call('tokenize', { prompt: 'x' }))
      .catch((e: unknown) => e)) as GatewayError;
    expect([err.status, err.code]).toEqual([400, 'unsupported_endpoint']);
  });
});

describe('OllamaProvider version-gated fields', () => {
  it('rejects logprobs on servers older than 0.12.11 (they would ignore it) and passes it on newer ones', async () => {
    h.fake.route('GET /api/version', { fixture: 'ollama/version.json' });
    const old = h.makeProvider();
    const err = (await old
      .handle(call('chat.completions', { messages: [{ role: 'user', content: 'x' }], logprobs: true }))
      .catch((e: unknown) => e)) as GatewayError;
    expect([err.status, err.param]).toEqual([400, 'logprobs']);
    await old.close();

    h.fake.route('GET /api/version', { json: { version: '0.33.0-rc2' } });
    h.fake.route('POST /api/chat', {
      json: {
        model: 'llama3.2',
        created_at: '2025-07-07T20:22:19.1Z',
        message: { role: 'assistant', content: 'Hi' },
        logprobs: [{ token: 'Hi', logprob: -0.1, top_logprobs: [{ token: 'Hi', logprob: -0.1 }] }],
        done: true,
        done_reason: 'stop',
        eval_count: 1,
      },
    });
    const current = h.makeProvider();
    const res = await current.handle(
      call('chat.completions', {
        messages: [{ role: 'user', content: 'x' }],
        logprobs: true,
        top_logprobs: 1,
      }),
    );
    await current.close();
    expect(h.lastBody()).toMatchObject({ logprobs: true, top_logprobs: 1 });
    expect((res as { body: Any }).body.choices[0].logprobs).toEqual({
      content: [
        {
          token: 'Hi',
          logprob: -0.1,
          bytes: [72, 105],
          top_logprobs: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105] }],
        },
      ],
      refusal: null,
    });
  });

  it('does not ask for the version when no gated field is used', async () => {
    h.fake.route('POST /api/chat', { fixture: 'ollama/chat-text.json' });
    await h.provider.handle(
      call('chat.completions', { messages: [{ role: 'user', content: 'x' }], logprobs: false }),
    );
    expect(h.fake.requests.map((r) => r.url)).toEqual(['/api/chat']);
  });
});
