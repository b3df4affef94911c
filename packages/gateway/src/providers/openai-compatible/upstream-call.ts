/**
 * One HTTP call to an upstream through an undici dispatcher, with the response body delivered as a small
 * async iterable fed straight from undici's handler callbacks. `undici.request` wraps every body in a Node
 * Readable and is read through the Readable's async iterator; skipping both saves about a third of a
 * minimal proxy's CPU per request (bench/README.md, "What mattered").
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AbortWatch } from '../abort-switch.js';

/** What to send. */
export interface UpstreamCall {
  /** Scheme, host and port, e.g. `http://10.0.0.5:8000`. */
  origin: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  method: 'GET' | 'POST';
  /** An object, or undici's flat `[name, value, name, value, ...]` list (no object to build per call). */
  headers: Record<string, string> | string[];
  body?: string | Buffer;
  /** Aborts the call at any point, before or after the response started (the call takes its watcher slot). */
  abort?: AbortWatch;
}

/** The upstream's answer; `headers` names are lower case. */
export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/** Bytes held unread before the upstream socket is paused (backpressure). */
const HIGH_WATER_BYTES = 64 * 1024;

type Waiter = {
  resolve: (step: IteratorResult<Uint8Array>) => void;
  reject: (err: Error) => void;
};

const END: IteratorResult<Uint8Array> = { value: undefined, done: true };

/**
 * A response body as an async iterator of the chunks undici received, in order. It buffers at most about
 * 64 KiB before pausing the upstream. `return()` / `destroy()` before the end aborts the upstream request.
 * Errors (timeouts, resets, aborts) reject the pending or next `next()`.
 */
export class UpstreamBody implements AsyncIterableIterator<Uint8Array> {
  private readonly queue: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private destroyed = false;
  private error: Error | undefined;
  private waiter: Waiter | undefined;

  constructor(private readonly controller: Dispatcher.DispatchController) {}

  /** Called by the dispatch handler with each received chunk. */
  push(chunk: Buffer): void {
    if (this.destroyed) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ value: chunk, done: false });
      return;
    }
    this.queue.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered >= HIGH_WATER_BYTES) this.controller.pause();
  }

  /** Called by the dispatch handler when the body is complete. */
  end(): void {
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(END);
  }

  /** Called by the dispatch handler when the response failed after it started. */
  fail(err: Error): void {
    if (this.destroyed || this.ended) return;
    this.error = err;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(err);
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.queue.shift();
    if (chunk) {
      this.buffered -= chunk.length;
      if (this.controller.paused && this.buffered < HIGH_WATER_BYTES) this.controller.resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.error) return Promise.reject(this.error);
    if (this.ended || this.destroyed) return Promise.resolve(END);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.destroy();
    return Promise.resolve(END);
  }

  /** Discards the rest of the body, aborting the upstream request when it has not ended. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.queue.length = 0;
    if (!this.ended && !this.error) this.controller.abort(new Error('upstream body discarded'));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Sends `call` and resolves with the status and headers as soon as they arrive; the body follows through
 * the returned {@link UpstreamBody}.
 * @throws what undici reports before the response started: connect errors, `HeadersTimeoutError`, or the
 *   abort reason when `call.abort` is aborted
 */
export function callUpstream(dispatcher: Dispatcher, call: UpstreamCall): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const { abort } = call;
    if (abort?.aborted) {
      reject(abort.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let body: UpstreamBody | undefined;
    abort?.watch((reason) => controller?.abort(reason as Error));
    dispatcher.dispatch(
      {
        origin: call.origin,
        path: call.path,
        method: call.method,
        headers: call.headers,
        body: call.body ?? null,
      },
      {
        onRequestStart(c) {
          controller = c;
          if (abort?.aborted) c.abort(abort.reason as Error);
        },
        onResponseStart(c, statusCode, headers) {
          body = new UpstreamBody(c);
          resolve({ statusCode, headers, body });
        },
        onResponseData(_c, chunk) {
          body!.push(chunk);
        },
        onResponseEnd() {
          abort?.watch(undefined);
          body!.end();
        },
        onResponseError(_c, err) {
          abort?.watch(undefined);
          if (body) body.fail(err);
          else reject(err);
        },
      },
    );
  });
}
