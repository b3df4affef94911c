/**
 * What a provider sees of an upstream call's abort: its state, a single watcher slot, and an AbortSignal
 * built only on first read. On the passthrough hot path an `AbortController` plus an EventTarget listener cost
 * about 2 µs and 1.5 KB per call (bench/README.md), so the transport watches the abort through {@link watch}
 * and no signal is ever built.
 */
export interface AbortWatch {
  /** True once aborted (client gone, shutdown, timeout). */
  readonly aborted: boolean;
  /** The abort reason once {@link aborted} (an Error), else undefined. */
  readonly reason: unknown;
  /** An AbortSignal for the same abort, for libraries that take one; built on first read. */
  readonly signal: AbortSignal;
  /**
   * Sets the one function called, once and synchronously, when the call is aborted; `undefined` clears it.
   * It is not called for an abort that already happened: check {@link aborted} first.
   */
  watch(listener: ((reason: unknown) => void) | undefined): void;
}

/** The owner's side of an {@link AbortWatch}: whoever holds it can {@link abort}. */
export class AbortSwitch implements AbortWatch {
  aborted = false;
  reason: unknown = undefined;
  private listener: ((reason: unknown) => void) | undefined;
  private controller: AbortController | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  watch(listener: ((reason: unknown) => void) | undefined): void {
    this.listener = listener;
  }

  /**
   * Aborts once (later calls do nothing): sets the state, calls the watcher, then aborts the signal if one
   * was built.
   * @param reason an Error; undefined becomes a DOMException named `AbortError`, as `AbortController` does
   */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    const listener = this.listener;
    this.listener = undefined;
    listener?.(this.reason);
    this.controller?.abort(this.reason);
  }
}
