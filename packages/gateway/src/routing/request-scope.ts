import { performance } from 'node:perf_hooks';
import type { Attempt } from './attempt.js';

/**
 * One client request while routing owns it: from dispatch until its response body ended (or dispatch
 * failed). It is aborted when the client goes away or the gateway shuts down, and the abort reaches the
 * current upstream attempt synchronously (no extra listener per attempt). `deadline` is the request's
 * `timeouts.total`, fixed by its first attempt. The scope's own {@link signal} is only built when something
 * waits on it (an admission queue, a retry backoff): a request answered by its first attempt allocates no
 * abort controller here.
 */
export class RequestScope {
  private controller: AbortController | undefined;
  /** True once the client went away or the gateway aborted the request. */
  aborted = false;
  /** Why the request was aborted (the client signal's reason or the shutdown error); set with `aborted`. */
  reason: unknown;
  readonly startedAt = performance.now();
  /** `performance.now()` ms by which the whole request must be over. */
  deadline = Number.POSITIVE_INFINITY;
  /** The upstream attempt under way, if any. */
  attempt: Attempt | undefined;
  private responding = false;
  private closed = false;

  /**
   * @param clientSignal the HTTP layer's signal (aborted on client disconnect)
   * @param onClose called once when the request is over
   */
  constructor(
    private readonly clientSignal: AbortSignal,
    private readonly onClose: (scope: RequestScope) => void,
  ) {
    if (clientSignal.aborted) this.abort(clientSignal.reason);
    else clientSignal.addEventListener('abort', this.onClientAbort, { once: true });
  }

  /** Aborted on client disconnect or shutdown; `reason` says which. Built on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Milliseconds left before the deadline (may be negative). */
  remaining(now: number = performance.now()): number {
    return this.deadline - now;
  }

  /** Sets the deadline from `totalMs` unless one is set already. */
  fixDeadline(totalMs: number): void {
    if (this.deadline === Number.POSITIVE_INFINITY) this.deadline = this.startedAt + totalMs;
  }

  /** Aborts the request (and its attempt) with `reason`. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.attempt?.abort(reason);
  }

  /** The response is handed to the HTTP layer; the scope closes when its attempt ends. */
  respond(): void {
    this.responding = true;
    if (this.attempt === undefined || this.attempt.ended) this.close();
  }

  /** Called by an attempt when it ended. */
  attemptEnded(attempt: Attempt): void {
    if (this.attempt === attempt && this.responding) this.close();
  }

  /** Ends the scope (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
    this.onClose(this);
  }

  private readonly onClientAbort = (): void => this.abort(this.clientSignal.reason);
}
