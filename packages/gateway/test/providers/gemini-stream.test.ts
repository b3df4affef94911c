import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/core/errors.js';
import { type DrainedChunks, replayWholeAndByteByByte } from '../support/provider-harness.js';
import { chunkDeltas, drainChunks, providerRequest } from '../support/provider-request.js';
import { useGeminiHarness } from '../support/translated-provider-harness.js';

const STREAM = 'POST /v1beta/models/gemini-2.5-flash:streamGenerateContent';

const h = useGeminiHarness();

const streamBody = (includeUsage = true) => ({
  model: 'flash',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
});

/** Streams `fixture` whole and one byte at a time; both must give the same chunks. */
async function replay(fixture: string, includeUsage = true) {
  const results = await replayWholeAndByteByByte(h.fake, STREAM, fixture, () =>
    h.provider.handle(providerRequest('chat.completions', streamBody(includeUsage), {}, 'gemini-2.5-flash')),
  );
  expect(h.fake.requests.at(-1)!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  const strip = (r: DrainedChunks) => ({
    ...r,
    chunks: r.chunks.map((c) => JSON.parse(JSON.stringify(c).replace(/"call_[0-9a-f]+"/g, '"call_ID"'))),
  });
  expect(strip(results[1])).toEqual(strip(results[0]));
  return results[0];
}

// Gemini API reference, streamGenerateContent:
// https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
describe('gemini stream translation', () => {
  it('text: role, deltas, finish, usage from the last usageMetadata; same result for CRLF framing and byte-by-byte', async () => {
    for (const fixture of ['gemini/text.sse', 'gemini/text-crlf.sse']) {
      const { chunks, error } = await replay(fixture);
      expect(error).toBeUndefined();
      expect(chunkDeltas(chunks)).toEqual([
        { delta: { role: 'assistant', content: '' }, finish: null },
        { delta: { content: 'It is' }, finish: null },
        { delta: { content: ' 14°C in Oslo.' }, finish: null },
        { delta: {}, finish: 'stop' },
        {
          usage: {
            prompt_tokens: 31,
            completion_tokens: 9,
            total_tokens: 40,
            prompt_tokens_details: { cached_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0 },
          },
        },
      ]);
      expect(chunks.every((c) => c.id === 'mAitaLm' && c.model === 'flash')).toBe(true);
    }
  });

  it('two parallel function calls: each a complete tool-call delta with its own id and index; STOP → tool_calls', async () => {
    const { chunks } = await replay('gemini/parallel-tools.sse', false);
    const d = chunkDeltas(chunks);
    expect(d).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      {
        delta: {
          tool_calls: [
            {
              index: 0,
              id: expect.stringMatching(/^call_/),
              type: 'function',
              function: { name: 'lookup_city', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        finish: null,
      },
      {
        delta: {
          tool_calls: [
            {
              index: 1,
              id: expect.stringMatching(/^call_/),
              type: 'function',
              function: { name: 'lookup_city', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        finish: null,
      },
      { delta: {}, finish: 'tool_calls' },
    ]);
    const ids = d.slice(1, 3).map((x) => (x.delta as { tool_calls: { id: string }[] }).tool_calls[0]!.id);
    expect(new Set(ids).size).toBe(2);
  });

  it('a function call with empty args gets "{}" and an empty text part ends nothing early', async () => {
    const { chunks, error } = await replay('gemini/tool-empty-args.sse');
    expect(error).toBeUndefined();
    expect(chunkDeltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      {
        delta: {
          tool_calls: [
            {
              index: 0,
              id: expect.stringMatching(/^call_/),
              type: 'function',
              function: { name: 'current_time', arguments: '{}' },
            },
          ],
        },
        finish: null,
      },
      { delta: {}, finish: 'tool_calls' },
      {
        usage: {
          prompt_tokens: 40,
          completion_tokens: 5,
          total_tokens: 45,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
    ]);
  });

  it('thinking: thought parts → reasoning_content; thoughts counted as completion and reasoning tokens', async () => {
    const { chunks } = await replay('gemini/thinking.sse');
    expect(chunkDeltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { reasoning_content: 'The user wants 2+2, which is 4.' }, finish: null },
      { delta: { content: '4' }, finish: null },
      { delta: {}, finish: 'stop' },
      {
        usage: {
          prompt_tokens: 10,
          completion_tokens: 15,
          total_tokens: 25,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 14 },
        },
      },
    ]);
  });

  it('safety block mid-answer → content_filter; a blocked prompt → content_filter with no content', async () => {
    const partial = await replay('gemini/safety.sse', false);
    expect(chunkDeltas(partial.chunks).slice(-2)).toEqual([
      { delta: { content: 'Here is how' }, finish: null },
      { delta: {}, finish: 'content_filter' },
    ]);
    const blocked = await replay('gemini/prompt-blocked.sse', false);
    expect(chunkDeltas(blocked.chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: {}, finish: 'content_filter' },
    ]);
  });

  it('an error object mid-stream is thrown after the chunks before it, with its status', async () => {
    const { chunks, error } = await replay('gemini/error-mid-stream.sse');
    expect(chunkDeltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { content: 'It is' }, finish: null },
    ]);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 503, type: 'server_error', code: '503' });
    expect((error as Error).message).toContain('(UNAVAILABLE)');
  });

  it('an error before the stream (429 quota) rejects handle() with 429', async () => {
    h.fake.route(STREAM, { fixture: 'gemini/error-quota.json', status: 429 });
    const error = await h.provider
      .handle(providerRequest('chat.completions', streamBody(), {}, 'gemini-2.5-flash'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', retryable: true });
  });

  it('a stream that ends without a finishReason is an error, not a silent end', async () => {
    h.fake.route(STREAM, {
      text: 'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"It"}]},"index":0}]}\n\n',
      headers: { 'content-type': 'text/event-stream' },
    });
    const { error } = await drainChunks(
      await h.provider.handle(providerRequest('chat.completions', streamBody(), {}, 'gemini-2.5-flash')),
    );
    expect(error).toMatchObject({ status: 502, failure: 'protocol' });
  });
});
