/**
 * Holds a provider response back until its first byte so that anything failing before then can still be
 * retried: streams (`chunks`, and `bytes` in `text/event-stream` or Ollama's `application/x-ndjson`) are
 * returned once their first chunk arrived, then passed on chunk by chunk; other `bytes` bodies (non-streaming JSON) are read whole, so a connection that breaks mid-body
 * is retried too. The returned body reports every chunk and its end to the attempt (timeouts, slot
 * release, outcome).
 */
import { performance } from 'node:perf_hooks';
import { UpstreamError } from '../core/errors.js';
import type { ProviderResponse } from '../providers/provider.js';

/** What a guarded response reports to its upstream attempt. */
export interface AttemptHooks {
  /** Milliseconds spent waiting on the upstream; the guard adds its reads. */
  readonly timing: { waitMs: number };
  /** The first byte (or chunk, or JSON answer) arrived. */
  firstByte(now: number): void;
  /** A later chunk arrived. */
  activity(now: number): void;
  /** One piece of the answer as it is handed on: the JSON body, a chunk object, or a `Uint8Array`. */
  data?(value: unknown): void;
  /** Maps an error thrown while reading the upstream to the error to raise. */
  fail(err: unknown): unknown;
  /** The response is over: fully read, failed (`err`), or abandoned by the client. Idempotent. */
  end(err?: unknown): void;
}

/**
 * Content types of streamed `bytes` bodies: SSE, and NDJSON (Ollama's streamed answers, Ollama API docs,
 * Streaming responses: https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses).
 */
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson'];

function isEventStream(contentType: string): boolean {
  return contentType.startsWith('text/event-stream');
}

function isStream(contentType: string): boolean {
  return isEventStream(contentType) || NDJSON_TYPES.some((type) => contentType.startsWith(type));
}

/** SSE field prefixes a valid event stream may start with (WHATWG HTML §9.2.6). */
const SSE_STARTS = ['data:', 'event:', 'id:', 'retry:', ':'];

/**
 * Waits for the first byte of `response` and returns a response the HTTP layer can write.
 * @throws the mapped read error when the upstream fails before its first byte; UpstreamError 502
 *   (`upstream_protocol_error`, not retryable) when an event stream does not start like SSE or ends before
 *   its first byte (an OpenAI stream always ends with `data: [DONE]`: OpenAI API reference, Chat
 *   Completions, "stream")
 */
export async function guardResponse(
  response: ProviderResponse,
  hooks: AttemptHooks,
): Promise<ProviderResponse> {
  if (response.kind === 'json') {
    hooks.firstByte(performance.now());
    hooks.data?.(response.body);
    hooks.end();
    return response;
  }
  if (response.kind === 'bytes' && !isStream(response.contentType)) {
    const body = await readWhole(response.body, hooks);
    hooks.data?.(body);
    hooks.end();
    const whole: ProviderResponse = {
      kind: 'bytes',
      status: response.status,
      contentType: response.contentType,
      headers: response.headers,
      body: new WholeBody(body),
    };
    if (response.protocol) whole.protocol = response.protocol;
    return whole;
  }
  const source = response.kind === 'bytes' ? response.body : response.chunks;
  const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const started = performance.now();
  let first: IteratorResult<unknown>;
  try {
    first = await iterator.next();
  } catch (err) {
    throw hooks.fail(err);
  } finally {
    hooks.timing.waitMs += performance.now() - started;
  }
  if (first.done && response.kind === 'chunks') {
    hooks.end();
    return { ...response, chunks: iterate([]) };
  }
  if (first.done) {
    throw new UpstreamError(502, 'upstream ended its event stream before sending any event', {
      failure: 'protocol',
    });
  }
  if (
    response.kind === 'bytes' &&
    isEventStream(response.contentType) &&
    !looksLikeSse(first.value as Uint8Array)
  ) {
    await iterator.return?.();
    throw new UpstreamError(502, 'upstream sent a response that is not a valid event stream', {
      failure: 'protocol',
    });
  }
  hooks.firstByte(performance.now());
  hooks.data?.(first.value);
  const guarded = new GuardedStream(first.value, iterator, hooks, response.kind === 'bytes');
  return response.kind === 'bytes'
    ? { ...response, body: guarded as GuardedStream<Uint8Array> }
    : { ...response, chunks: guarded };
}

async function readWhole(body: AsyncIterable<Uint8Array>, hooks: AttemptHooks): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const started = performance.now();
  try {
    for await (const chunk of body) {
      const now = performance.now();
      if (size === 0) hooks.firstByte(now);
      else hooks.activity(now);
      parts.push(chunk);
      size += chunk.byteLength;
    }
  } catch (err) {
    throw hooks.fail(err);
  } finally {
    hooks.timing.waitMs += performance.now() - started;
  }
  if (parts.length !== 1) return Buffer.concat(parts, size);
  const only = parts[0]!;
  return Buffer.isBuffer(only) ? only : Buffer.from(only.buffer, only.byteOffset, only.byteLength);
}

const END: IteratorResult<never> = { done: true, value: undefined };

/**
 * A body already read whole: iterates as its one chunk, and lets a writer send {@link bytes} at once
 * (one socket write with the headers, with a `content-length`) instead of iterating.
 */
export class WholeBody implements AsyncIterableIterator<Uint8Array> {
  private consumed = false;

  constructor(readonly bytes: Buffer) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.consumed) return Promise.resolve(END);
    this.consumed = true;
    return Promise.resolve({ done: false, value: this.bytes });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.consumed = true;
    return Promise.resolve(END);
  }
}

/** An async iterable over values already in hand. */
async function* iterate<T>(values: T[]): AsyncGenerator<T> {
  yield* values;
}

/** True when the first bytes of a stream are (or could still become) an SSE field line or a blank line. */
function looksLikeSse(chunk: Uint8Array): boolean {
  let text = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, 16)).toString('latin1');
  text = text.replace(/^[\r\n]+/, '');
  if (text === '') return true;
  return SSE_STARTS.some((p) => text.startsWith(p) || p.startsWith(text));
}

/**
 * The rest of a stream after its first chunk. Not a generator: `return()` must release the attempt even
 * when the consumer never started iterating (a generator's `finally` would not run then). For SSE bytes, a
 * failure that cuts an event short first yields the line breaks that close it, so the HTTP layer's final
 * `data: {"error":...}` event starts on an event boundary.
 */
class GuardedStream<T> implements AsyncIterableIterator<T> {
  private pending: { value: T } | undefined;
  private failure: { error: unknown } | undefined;
  private last: Uint8Array | undefined;
  private done = false;

  constructor(
    first: T,
    private readonly inner: AsyncIterator<unknown>,
    private readonly hooks: AttemptHooks,
    private readonly sseBytes: boolean,
  ) {
    this.pending = { value: first };
    if (sseBytes) this.last = first as Uint8Array;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.pending) {
      const { value } = this.pending;
      this.pending = undefined;
      return Promise.resolve({ done: false, value });
    }
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ done: true, value: undefined });
    return this.inner.next().then(this.onStep, this.onError);
  }

  async return(): Promise<IteratorResult<T>> {
    this.finish();
    await this.inner.return?.();
    return { done: true, value: undefined };
  }

  private readonly onStep = (step: IteratorResult<unknown>): IteratorResult<T> => {
    if (step.done) this.finish();
    else {
      this.hooks.activity(performance.now());
      this.hooks.data?.(step.value);
      if (this.sseBytes) this.last = step.value as Uint8Array;
    }
    return step as IteratorResult<T>;
  };

  private readonly onError = (err: unknown): IteratorResult<T> => {
    const mapped = this.hooks.fail(err);
    this.finish(mapped);
    const closing = this.sseBytes ? eventCloser(this.last) : '';
    if (closing === '') throw mapped;
    this.failure = { error: mapped };
    return { done: false, value: Buffer.from(closing) as T };
  };

  private finish(err?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.pending = undefined;
    this.hooks.end(err);
  }
}

/** The line breaks that end the SSE event `last` left open ('' when it ended on an event boundary). */
function eventCloser(last: Uint8Array | undefined): string {
  const n = last?.byteLength ?? 0;
  if (n === 0) return '';
  const lf = 10;
  if (last![n - 1] !== lf) return '\n\n';
  if (n >= 2 && last![n - 2] === lf) return '';
  if (n >= 3 && last![n - 2] === 13 && last![n - 3] === lf) return '';
  return '\n';
}
