/** `abort()` on the SDK's streams, and abort errors of hand-built streams ended the way the SDK ends its own. */
import type { Stream } from 'openai/streaming';
import type { AbortableStream } from './api-types.js';

/** `stream` with `abort()` = `stream.controller.abort()` (the SDK then ends the iteration without an error). */
export function withAbort<T>(stream: Stream<T>): AbortableStream<T> {
  return Object.assign(stream, { abort: () => stream.controller.abort() });
}

/**
 * Yields `items` until `signal` aborts, then ends quietly (also when more items were already buffered): the fetch
 * body reader's `AbortError` (a `DOMException`) is not an error of the stream, as in the SDK's SSE streams.
 */
export async function* untilAborted<T>(items: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  try {
    for await (const item of items) {
      if (signal.aborted) return;
      yield item;
    }
  } catch (error) {
    if (signal.aborted && error instanceof Error && error.name === 'AbortError') return;
    throw error;
  }
}
