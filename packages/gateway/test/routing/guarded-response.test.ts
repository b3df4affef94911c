/**
 * The first-byte guard (routing/guarded-response.ts) driven in-process with scripted bodies: what it waits
 * for before the response is committed, what it reports to the attempt, and how a stream that fails later
 * is closed on an SSE event boundary.
 */
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/core/errors.js';
import type { ProviderResponse } from '../../src/providers/provider.js';
import { type AttemptHooks, guardResponse, WholeBody } from '../../src/routing/guarded-response.js';

/** Attempt hooks that log what the guard reported. */
function hooks() {
  const log: string[] = [];
  const h: AttemptHooks & { log: string[] } = {
    log,
    timing: { waitMs: 0 },
    firstByte: () => log.push('firstByte'),
    activity: () => log.push('activity'),
    fail: (err) => {
      log.push(`fail:${(err as Error).message}`);
      return new UpstreamError(502, `mapped: ${(err as Error).message}`, { failure: 'connect' });
    },
    end: (err) => log.push(err ? `end:${(err as Error).message}` : 'end'),
  };
  return h;
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

/** An async iterable yielding `parts`, then throwing `error` when given. */
async function* source<T>(parts: T[], error?: Error): AsyncGenerator<T> {
  for (const part of parts) yield part;
  if (error) throw error;
}

const sse = (body: AsyncIterable<Uint8Array>): ProviderResponse => ({
  kind: 'bytes',
  status: 200,
  contentType: 'text/event-stream',
  body,
});

async function drain(response: ProviderResponse): Promise<{ parts: unknown[]; error?: unknown }> {
  const parts: unknown[] = [];
  const iterable =
    response.kind === 'chunks' ? response.chunks : response.kind === 'bytes' ? response.body : [];
  try {
    for await (const part of iterable)
      parts.push(part instanceof Uint8Array ? Buffer.from(part).toString() : part);
  } catch (error) {
    return { parts, error };
  }
  return { parts };
}

describe('guardResponse', () => {
  it('a JSON answer is its own first byte and ends the attempt', async () => {
    const h = hooks();
    const response: ProviderResponse = { kind: 'json', status: 200, body: { ok: true } };
    expect(await guardResponse(response, h)).toBe(response);
    expect(h.log).toEqual(['firstByte', 'end']);
  });

  it('reads a non-stream body whole (first byte, then activity) into a WholeBody', async () => {
    const h = hooks();
    const guarded = await guardResponse(
      {
        kind: 'bytes',
        status: 201,
        contentType: 'application/json',
        body: source([bytes('{"a"'), bytes(':1}')]),
      },
      h,
    );
    expect(h.log).toEqual(['firstByte', 'activity', 'end']);
    if (guarded.kind !== 'bytes' || !(guarded.body instanceof WholeBody))
      throw new Error('expected a WholeBody');
    expect([guarded.status, guarded.body.bytes.toString()]).toEqual([201, '{"a":1}']);
    expect(await drain(guarded)).toEqual({ parts: ['{"a":1}'] });
  });

  it('a non-stream body that breaks is the mapped error, before anything was committed', async () => {
    const h = hooks();
    const body = source([bytes('{"a"')], new Error('socket hang up'));
    await expect(
      guardResponse({ kind: 'bytes', status: 200, contentType: 'application/json', body }, h),
    ).rejects.toThrow('mapped: socket hang up');
    expect(h.log).toEqual(['firstByte', 'fail:socket hang up']);
  });

  it('a stream that fails before its first chunk is the mapped error (retryable by the router)', async () => {
    for (const response of [
      sse(source<Uint8Array>([], new Error('reset'))),
      { kind: 'chunks', chunks: source([], new Error('reset')) } as ProviderResponse,
    ]) {
      const h = hooks();
      await expect(guardResponse(response, h)).rejects.toThrow('mapped: reset');
      expect(h.log).toEqual(['fail:reset']);
    }
  });

  it('an event stream that ends before its first byte is a 502 protocol error', async () => {
    const h = hooks();
    const err = (await guardResponse(sse(source([])), h).catch((e: unknown) => e)) as UpstreamError;
    expect([err.status, err.code, err.retryable]).toEqual([502, 'upstream_protocol_error', false]);
    expect(err.message).toBe('upstream ended its event stream before sending any event');
  });

  it('an empty chunk stream (a translated provider with nothing to say) ends the attempt and stays empty', async () => {
    const h = hooks();
    const guarded = await guardResponse({ kind: 'chunks', chunks: source([]) }, h);
    expect(h.log).toEqual(['end']);
    expect(await drain(guarded)).toEqual({ parts: [] });
  });

  it.each(['<html>', '{"error"', 'HTTP/1.1 200'])('refuses an event stream starting %j', async (start) => {
    const h = hooks();
    const err = (await guardResponse(sse(source([bytes(start)])), h).catch(
      (e: unknown) => e,
    )) as UpstreamError;
    expect([err.status, err.code]).toEqual([502, 'upstream_protocol_error']);
    expect(err.message).toBe('upstream sent a response that is not a valid event stream');
  });

  it.each(['data: {}\n\n', '\r\n: ping\n\n', 'event: x\n', 'id: 1\n', 'retry: 10\n', 'da', '\n'])(
    'accepts an event stream starting %j',
    async (start) => {
      const guarded = await guardResponse(sse(source([bytes(start)])), hooks());
      expect((await drain(guarded)).parts).toEqual([start]);
    },
  );

  it('passes a stream through after its first chunk, reporting each later chunk and the end', async () => {
    const h = hooks();
    const guarded = await guardResponse(
      { kind: 'chunks', chunks: source([{ n: 1 }, { n: 2 }, { n: 3 }]) },
      h,
    );
    expect(h.log).toEqual(['firstByte']);
    expect(await drain(guarded)).toEqual({ parts: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    expect(h.log).toEqual(['firstByte', 'activity', 'activity', 'end']);
  });

  it.each([
    ['data: {"a":', '\n\n'],
    ['data: {"a":1}\n', '\n'],
    ['data: {"a":1}\r\n', '\n'],
  ])('closes an SSE event cut after %j with %j before the error', async (last, closer) => {
    const h = hooks();
    const guarded = await guardResponse(
      sse(source([bytes('data: {}\n\n'), bytes(last)], new Error('cut'))),
      h,
    );
    const { parts, error } = await drain(guarded);
    expect(parts).toEqual(['data: {}\n\n', last, closer]);
    expect((error as Error).message).toBe('mapped: cut');
    expect(h.log).toEqual(['firstByte', 'activity', 'fail:cut', 'end:mapped: cut']);
  });

  it.each(['data: {}\n\n', 'data: {}\r\n\r\n'])(
    'adds nothing when the cut fell on an event boundary (%j)',
    async (last) => {
      const guarded = await guardResponse(sse(source([bytes(last)], new Error('cut'))), hooks());
      const { parts, error } = await drain(guarded);
      expect(parts).toEqual([last]);
      expect((error as Error).message).toBe('mapped: cut');
    },
  );

  it('a failing chunk stream (not bytes) rethrows without a closer', async () => {
    const guarded = await guardResponse(
      { kind: 'chunks', chunks: source([{ n: 1 }], new Error('cut')) },
      hooks(),
    );
    const { parts, error } = await drain(guarded);
    expect(parts).toEqual([{ n: 1 }]);
    expect((error as Error).message).toBe('mapped: cut');
  });

  it('return() before reading releases the attempt once and stops the upstream', async () => {
    const h = hooks();
    let stopped = false;
    async function* upstream() {
      try {
        yield bytes('data: {}\n\n');
        yield bytes('data: {}\n\n');
      } finally {
        stopped = true;
      }
    }
    const guarded = await guardResponse(sse(upstream()), h);
    if (guarded.kind !== 'bytes') throw new Error('expected bytes');
    const iterator = guarded.body[Symbol.asyncIterator]();
    await iterator.return?.();
    await iterator.return?.();
    expect(stopped).toBe(true);
    expect(h.log).toEqual(['firstByte', 'end']);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('adds the time spent waiting for the first chunk to the attempt timing', async () => {
    const h = hooks();
    async function* slow() {
      await new Promise((r) => setTimeout(r, 30));
      yield { n: 1 };
    }
    await guardResponse({ kind: 'chunks', chunks: slow() }, h);
    expect(h.timing.waitMs).toBeGreaterThanOrEqual(25);
  });
});
