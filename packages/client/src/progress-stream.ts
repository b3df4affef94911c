/**
 * Progress of Ollama's long-running model operations (`pull`, `push`, `create`; Ollama API docs, Pull a Model:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model): an async iterable of progress lines that also
 * offers an await-until-done form.
 */
import type { OllamaProgress } from '@switchyard/wire';

/**
 * Returned by `models.pull` / `models.push` / `models.create`. The request starts on first use:
 * `for await (const p of stream)` yields each `{status, digest?, total?, completed?}` line (bytes);
 * `await stream.done()` consumes the stream and resolves with the last line (normally `{status: "success"}`).
 * A stream is consumed once. Errors (HTTP or an `{"error"}` line) reject as SDK `APIError`s.
 */
export class ProgressStream implements AsyncIterable<OllamaProgress> {
  #started = false;

  constructor(private readonly open: () => AsyncIterable<OllamaProgress>) {}

  [Symbol.asyncIterator](): AsyncIterator<OllamaProgress> {
    if (this.#started) throw new Error('ProgressStream already consumed');
    this.#started = true;
    return this.open()[Symbol.asyncIterator]();
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
