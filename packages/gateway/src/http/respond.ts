import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SSE_DONE, sseData } from '../protocol/sse.js';
import type { RoutedResponse } from '../routing/router.js';
import { GatewayError } from './errors.js';

/** Response header: milliseconds the gateway itself spent on the request before answering (not upstream wait). */
export const OVERHEAD_HEADER = 'x-switchyard-overhead-ms';
/** Response header: upstream attempts made for this request. */
export const ATTEMPTS_HEADER = 'x-switchyard-attempts';

/** Timing of one request, for the overhead header. */
export interface RequestClock {
  /** `performance.now()` when the request arrived, ms. */
  startedAt: number;
}

/**
 * Writes a routed provider response to the client socket: JSON, OpenAI chunks as SSE (ending with
 * `data: [DONE]`), or upstream bytes unbuffered. An error thrown before the first chunk propagates (the
 * caller answers with the error's status); after the first byte it becomes a final SSE error event.
 * Returns when the response is finished or the client went away.
 */
export async function writeRouted(
  res: ServerResponse,
  routed: RoutedResponse,
  clock: RequestClock,
): Promise<void> {
  const { response } = routed;
  const common = (): Record<string, string> => ({
    ...response.headers,
    [OVERHEAD_HEADER]: overheadMs(clock, routed.upstreamWaitMs),
    [ATTEMPTS_HEADER]: String(routed.attempts),
  });

  if (response.kind === 'json') {
    const payload = JSON.stringify(response.body);
    res.writeHead(response.status, {
      ...common(),
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
    return;
  }

  if (response.kind === 'chunks') {
    const iterator = response.chunks[Symbol.asyncIterator]();
    const first = await iterator.next();
    res.writeHead(200, { ...common(), ...SSE_HEADERS });
    try {
      for (let step = first; !step.done; step = await iterator.next()) {
        if (!res.write(sseData(step.value))) await drained(res);
        if (res.destroyed) return;
      }
      res.end(SSE_DONE);
    } catch (err) {
      endStreamWithError(res, err);
    } finally {
      await iterator.return?.();
    }
    return;
  }

  const isSse = response.contentType.startsWith('text/event-stream');
  res.writeHead(response.status, {
    ...common(),
    'content-type': response.contentType,
    ...(isSse ? SSE_EXTRA : {}),
  });
  try {
    for await (const chunk of response.body) {
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) return;
    }
    res.end();
  } catch (err) {
    if (isSse) endStreamWithError(res, err);
    else res.destroy();
  }
}

const SSE_EXTRA = { 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', ...SSE_EXTRA };

/**
 * Ends an SSE stream that failed after it started: `data: {"error": {...}}` (the openai SDK raises it as an
 * APIError), then `data: [DONE]`, since a stream must always end with it (shared/api/openai.md §1.3, §6).
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

function overheadMs(clock: RequestClock, upstreamWaitMs: number): string {
  return Math.max(0, performance.now() - clock.startedAt - upstreamWaitMs).toFixed(3);
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
