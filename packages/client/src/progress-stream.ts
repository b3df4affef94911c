/**
 * Progress of Ollama's long-running model operations (`pull`, `push`, `create`; Ollama API docs, Pull a Model:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model): an async iterable of progress lines that also
 * offers an await-until-done form.
 */
import type { OllamaProgress } from '@switchyard/wire';
import { APIUserAbortError } from 'openai';

/**
 * Returned by `models.pull` / `models.push` / `models.create`. The request starts on first use:
 * `for await (const p of stream)` yields each `{status, digest?, total?, completed?}` line (bytes);
 * `await stream.done()` consumes the stream and resolves with the last line (normally `{status: "success"}`).
 * A stream is consumed once. Errors (HTTP or an `{"error"}` line) reject as SDK `APIError`s; `abort()` (or the
 * request's `signal`) cancels the operation, and the iteration or `done()` then rejects with the SDK's
 * `APIUserAbortError`.
 */
export class ProgressStream implements AsyncIterable<OllamaProgress> {
  #started = false;
  readonly #controller = new AbortController();

  /** @param open starts the request; it must stop when the given signal aborts */
  constructor(private readonly open: (signal: AbortSignal) => AsyncIterable<OllamaProgress>) {}

  /** Cancels the request (the server stops the pull/push/create when the connection closes). */
  abort(): void {
    this.#controller.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<OllamaProgress> {
    if (this.#started) throw new Error('ProgressStream already consumed');
    this.#started = true;
    return abortAsUserAbort(this.open(this.#controller.signal), this.#controller.signal)[
      Symbol.asyncIterator
    ]();
  }

  /**
   * Waits until the operation finishes.
   * @param onProgress called with every progress line
   * @returns the final progress line
   * @throws {Error} when the server closed the stream without any line
   */
  async done(onProgress?: (progress: OllamaProgress) => void): Promise<OllamaProgress> {
    let last: OllamaProgress | undefined;
    for await (const progress of this) {
      onProgress?.(progress);
      last = progress;
    }
    if (!last) throw new Error('progress stream ended without a status');
    return last;
  }
}

/** Re-raises an abort (ours, or of the caller's `signal`) as `APIUserAbortError` instead of a raw `DOMException`. */
async function* abortAsUserAbort<T>(items: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  try {
    for await (const item of items) {
      if (signal.aborted) break;
      yield item;
    }
  } catch (error) {
    if (signal.aborted || (error instanceof Error && error.name === 'AbortError')) {
      throw new APIUserAbortError();
    }
    throw error;
  }
  if (signal.aborted) throw new APIUserAbortError();
}
