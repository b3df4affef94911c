import { describe, expect, it } from 'vitest';
import { GatewayError, UpstreamError } from '../../src/core/errors.js';
import { AbortSwitch } from '../../src/providers/abort-switch.js';
import { AnthropicConfigSchema } from '../../src/providers/anthropic/config.js';
import { AnthropicProvider } from '../../src/providers/anthropic/provider.js';
import { replayWholeAndByteByByte } from '../support/provider-harness.js';
import { chunkDeltas, drainChunks, providerRequest } from '../support/provider-request.js';
import { startRefusingServer } from '../support/refusing-server.js';
import { ANTHROPIC_MESSAGES, useAnthropicHarness } from '../support/translated-provider-harness.js';

const h = useAnthropicHarness();

const streamBody = (includeUsage = true) => ({
  model: 'claude',
  messages: [{ role: 'user', content: 'hi' }],
  max_tokens: 100,
  stream: true,
  ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
});

/** Streams `fixture` through the provider, whole and one byte at a time; both must give the same chunks. */
async function replay(fixture: string, includeUsage = true) {
  const [whole, byteByByte] = await replayWholeAndByteByByte(h.fake, ANTHROPIC_MESSAGES, fixture, () =>
    h.provider.handle(providerRequest('chat.completions', streamBody(includeUsage))),
  );
  expect(byteByByte).toEqual(whole);
  return whole;
}

// Anthropic API reference, Streaming Messages: https://docs.anthropic.com/en/api/messages-streaming
describe('anthropic stream translation', () => {
  it('text: role chunk, content deltas, finish chunk, usage chunk; multi-byte characters survive byte-by-byte delivery', async () => {
    const { chunks, error } = await replay('anthropic/text.sse');
    expect(error).toBeUndefined();
    expect(chunkDeltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { content: 'It is 14°C' }, finish: null },
      { delta: { content: ' in Oslo.' }, finish: null },
      { delta: {}, finish: 'stop' },
      {
        usage: {
          prompt_tokens: 21,
          completion_tokens: 9,
          total_tokens: 30,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
    ]);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: 'msg_01TEXT', object: 'chat.completion.chunk', model: 'claude' });
    }
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('sends no usage chunk and no usage fields when the client did not ask for them', async () => {
    const { chunks } = await replay('anthropic/text.sse', false);
    expect(chunks).toHaveLength(4);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
  });

  it('two parallel tool calls: fragments keyed by a tool-only index, ids and names on the first fragment', async () => {
    const { chunks, error } = await replay('anthropic/parallel-tools.sse');
    expect(error).toBeUndefined();
    expect(chunkDeltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { content: 'Checking both.' }, finish: null },
      {
        delta: {
          tool_calls: [
            { index: 0, id: 'toolu_01A', type: 'function', function: { name: 'lookup_city', arguments: '' } },
          ],
        },
        finish: null,
      },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '{"city": "Os' } }] }, finish: null },
      { delta: { tool_calls: [{ index: 0, function: { arguments: 'lo"}' } }] }, finish: null },
      {
        delta: {
          tool_calls: [
            { index: 1, id: 'toolu_01B', type: 'function', function: { name: 'lookup_city', arguments: '' } },
          ],
        },
        finish: null,
      },
      { delta: { tool_calls: [{ index: 1, function: { arguments: '{"city":' } }] }, finish: null },
      { delta: { tool_calls: [{ index: 1, function: { arguments: ' "Rome"}' } }] }, finish: null },
      { delta: {}, finish: 'tool_calls' },
      {
        usage: {
          prompt_tokens: 412,
          completion_tokens: 58,
          total_tokens: 470,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
    ]);
  });

  it('a tool call whose only argument delta is empty gets "{}" and the stream goes on to the finish', async () => {
    const { chunks, error } = await replay('anthropic/tool-empty-args.sse');
    expect(error).toBeUndefined();
    expect(chunkDeltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      {
        delta: {
          tool_calls: [
            {
              index: 0,
              id: 'toolu_01NOW',
              type: 'function',
              function: { name: 'current_time', arguments: '' },
            },
          ],
        },
        finish: null,
      },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, finish: null },
      { delta: {}, finish: 'tool_calls' },
      {
        usage: {
          prompt_tokens: 97,
          completion_tokens: 12,
          total_tokens: 109,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
    ]);
  });

  it('usage: input and cache counts from message_start, cumulative output from message_delta (nulls ignored); max_tokens → length', async () => {
    const { chunks } = await replay('anthropic/usage-cache.sse');
    expect(chunkDeltas(chunks).slice(-2)).toEqual([
      { delta: {}, finish: 'length' },
      {
        usage: {
          prompt_tokens: 2112,
          completion_tokens: 5,
          total_tokens: 2117,
          prompt_tokens_details: { cached_tokens: 2000 },
        },
      },
    ]);
  });

  it('thinking: thinking_delta → reasoning_content, signature ignored', async () => {
    const { chunks } = await replay('anthropic/thinking.sse', false);
    expect(chunkDeltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { reasoning_content: 'The user wants 2+2. ' }, finish: null },
      { delta: { reasoning_content: 'That is 4.' }, finish: null },
      { delta: { content: '4' }, finish: null },
      { delta: {}, finish: 'stop' },
    ]);
  });

  it('an error event mid-stream is thrown by the iterator after the chunks before it, as a 503 server_error', async () => {
    const { chunks, error } = await replay('anthropic/error-mid-stream.sse');
    expect(chunkDeltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { content: 'It is' }, finish: null },
    ]);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      status: 503,
      type: 'server_error',
      message: 'Overloaded (overloaded_error)',
    });
  });

  it('an error event before any message rejects handle() itself, so the client gets a real status', async () => {
    h.fake.route(ANTHROPIC_MESSAGES, { fixture: 'anthropic/error-first-event.sse' });
    const error = await h.provider
      .handle(providerRequest('chat.completions', streamBody()))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, type: 'server_error', retryable: true });
  });

  it('a stream cut before message_stop is an error, not a silent end', async () => {
    h.fake.route(ANTHROPIC_MESSAGES, {
      text: 'event: message_start\ndata: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":1}}}\n\n',
      headers: { 'content-type': 'text/event-stream' },
    });
    const { error } = await drainChunks(
      await h.provider.handle(providerRequest('chat.completions', streamBody())),
    );
    expect(error).toMatchObject({ status: 502, failure: 'protocol' });
  });
});

describe('anthropic stream cancellation', () => {
  it('a client abort mid-stream closes the upstream response', async () => {
    h.fake.route(ANTHROPIC_MESSAGES, { fixture: 'anthropic/text.sse', lineDelayMs: 200 });
    const controller = new AbortSwitch();
    const response = await h.provider.handle(
      providerRequest('chat.completions', streamBody(), {}, 'upstream-model', controller),
    );
    if (response.kind !== 'chunks') throw new Error('expected chunks');
    const iterator = response.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect(h.fake.openResponses()).toBe(1);
    controller.abort();
    await expect(iterator.next()).rejects.toThrow();
    await expect.poll(() => h.fake.openResponses(), { timeout: 5_000 }).toBe(0);
  });
});

// Anthropic API reference, Errors: https://docs.anthropic.com/en/api/errors
describe('anthropic errors before the stream', () => {
  const cases: [string, number, number, string][] = [
    ['anthropic/error-overloaded.json', 529, 503, 'server_error'],
    ['anthropic/error-authentication.json', 401, 401, 'authentication_error'],
    ['anthropic/error-rate-limit.json', 429, 429, 'rate_limit_error'],
  ];
  for (const [fixture, upstreamStatus, status, type] of cases) {
    it(`${upstreamStatus} ${type} → ${status} with the OpenAI envelope`, async () => {
      h.fake.route(ANTHROPIC_MESSAGES, { fixture, status: upstreamStatus, headers: { 'retry-after': '7' } });
      for (const stream of [false, true]) {
        const error = await h.provider
          .handle(providerRequest('chat.completions', { ...streamBody(), stream }))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GatewayError);
        const e = error as UpstreamError;
        expect(e.status).toBe(status);
        expect(e.toBody().error.type).toBe(type);
        expect(e.toBody().error.message.length).toBeGreaterThan(0);
        expect(e.headers['retry-after']).toBe('7');
      }
    });
  }

  it('an unreachable upstream is a 502', async () => {
    const refusing = await startRefusingServer();
    const dead = new AnthropicProvider(
      'dead',
      AnthropicConfigSchema.parse({ type: 'anthropic', base_url: `${refusing.url}/v1` }),
    );
    try {
      const error = await dead
        .handle(providerRequest('chat.completions', streamBody()))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 502, failure: 'connect' });
      expect(refusing.connections()).toBeGreaterThanOrEqual(1);
    } finally {
      await dead.close();
      await refusing.close();
    }
  });
});
