import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../core/errors.js';
import { ATTEMPTS_HEADER, OVERHEAD_HEADER } from '../core/headers.js';
import { secretRedactor } from '../core/redactor.js';
import { SSE_DONE, sseData } from '../protocols/openai/sse.js';
import { WholeBody } from '../routing/guarded-response.js';
import type { RoutedResponse } from '../routing/router.js';

/** Timing of one request, for the overhead header and metric. */
export interface RequestClock {
  /** `performance.now()` when the request arrived, ms. */
  startedAt: number;
}

/**
 * Writes a routed provider response to the client socket: JSON, OpenAI chunks as SSE (ending with
 * `data: [DONE]`), or upstream bytes unbuffered (configured secrets removed, core/redactor.ts). An error thrown before the first chunk propagates (the
 * caller answers with the error's status); after the first byte it becomes a final SSE error event.
 * The {@link OVERHEAD_HEADER} carries the overhead up to the response headers.
 * @returns when the response is finished or the client went away: the gateway's overhead for the whole
 *   request in ms, i.e. the elapsed time minus the upstream wait before the answer and the time spent
 *   waiting for each further body part or chunk (for translated providers that wait includes translation)
 */
export async function writeRouted(
  res: ServerResponse,
  routed: RoutedResponse,
  clock: RequestClock,
): Promise<number> {
  const { response } = routed;
  let waitMs = routed.upstreamWaitMs;

  if (response.kind === 'json') {
    const payload = JSON.stringify(response.body);
    const headers = responseHeaders(routed, clock, waitMs, 'application/json', false);
    headers['content-length'] = Buffer.byteLength(payload);
    res.writeHead(response.status, headers);
    res.end(payload);
    return overheadMs(clock, waitMs);
  }

  if (response.kind === 'chunks') {
    const iterator = response.chunks[Symbol.asyncIterator]();
    let asked = performance.now();
    let step = await iterator.next();
    waitMs += performance.now() - asked;
    res.writeHead(200, responseHeaders(routed, clock, waitMs, SSE_CONTENT_TYPE, true));
    try {
      while (!step.done) {
        if (!res.write(sseData(step.value))) await drained(res);
        if (res.destroyed) break;
        asked = performance.now();
        step = await iterator.next();
        waitMs += performance.now() - asked;
      }
      if (!res.destroyed) res.end(SSE_DONE);
    } catch (err) {
      endStreamWithError(res, err);
    } finally {
      await iterator.return?.();
    }
    return overheadMs(clock, waitMs);
  }

  const isSse = response.contentType.startsWith('text/event-stream');
  const headers = responseHeaders(routed, clock, waitMs, response.contentType, isSse);
  if (response.body instanceof WholeBody) {
    const bytes = secretRedactor.redactBytes(response.body.bytes);
    headers['content-length'] = bytes.byteLength;
    res.writeHead(response.status, headers);
    res.end(bytes);
    return overheadMs(clock, waitMs);
  }
  res.writeHead(response.status, headers);
  const body = response.body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const asked = performance.now();
      const step = await body.next();
      waitMs += performance.now() - asked;
      if (step.done) break;
      if (!res.write(secretRedactor.redactBytes(step.value))) await drained(res);
      if (res.destroyed) break;
    }
    if (!res.destroyed) res.end();
  } catch (err) {
    if (isSse) endStreamWithError(res, err);
    else res.destroy();
  } finally {
    await body.return?.();
  }
  return overheadMs(clock, waitMs);
}

/**
 * One fresh header object (handed to `writeHead` as is: Node stores it without copying when nothing was set
 * before): the content type, the overhead so far, the attempts count, for an event stream the headers that
 * keep proxies from buffering it, then the provider's own headers.
 */
function responseHeaders(
  routed: RoutedResponse,
  clock: RequestClock,
  waitMs: number,
  contentType: string,
  eventStream: boolean,
): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    [OVERHEAD_HEADER]: overheadMs(clock, waitMs).toFixed(3),
    [ATTEMPTS_HEADER]: routed.attempts,
  };
  if (eventStream) {
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  }
  const extra = routed.response.headers;
  if (extra) for (const name in extra) headers[name] = extra[name]!;
  return headers;
}

const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

/**
 * Ends an SSE stream that failed after it started: `data: {"error": {...}}` (the openai SDK raises it as an
 * APIError), then `data: [DONE]`, since a stream must always end with it (OpenAI API reference, The chat completion
 * chunk object: https://platform.openai.com/docs/api-reference/chat-streaming/streaming).
 */
export function endStreamWithError(res: ServerResponse, err: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  const error =
    err instanceof GatewayError
      ? err
      : new GatewayError(502, `upstream stream failed: ${(err as Error)?.message ?? String(err)}`, {
          code: 'stream_error',
        });
  res.end(sseData(error.toBody()) + SSE_DONE);
}

function overheadMs(clock: RequestClock, upstreamWaitMs: number): number {
  return Math.max(0, performance.now() - clock.startedAt - upstreamWaitMs);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
