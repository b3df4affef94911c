import { performance } from 'node:perf_hooks';
import { AbortSwitch, type AbortWatch } from '../providers/abort-switch.js';
import type { RequestObserver } from './observer.js';

/** What a request scope needs of its current upstream attempt (attempt.ts implements it). */
export interface ScopedAttempt {
  /** True once the attempt's response ended or it failed. */
  readonly ended: boolean;
  /** Aborts the attempt's upstream call with `reason`. */
  abort(reason: unknown): void;
}

/**
 * One client request while routing owns it: from dispatch until its response body ended (or dispatch
 * failed). It is aborted when the client goes away or the gateway shuts down, and the abort reaches the
 * current upstream attempt synchronously (no extra listener per attempt). `deadline` is the request's
 * `timeouts.total`, fixed by its first attempt. Nothing here allocates an AbortController unless something
 * reads {@link signal} (an admission queue, a retry backoff): a request answered by its first attempt
 * builds none.
 */
export class RequestScope {
  private readonly abortSwitch = new AbortSwitch();
  readonly startedAt = performance.now();
  /** `performance.now()` ms by which the whole request must be over. */
  deadline = Number.POSITIVE_INFINITY;
  /** The upstream attempt under way, if any. */
  attempt: ScopedAttempt | undefined;
  /** Telemetry's view of the request, when the router observes requests (observer.ts). */
  observer: RequestObserver | undefined;
  private responding = false;
  private closed = false;

  /**
   * @param client the HTTP layer's client connection, aborted when the client disconnects (the scope takes
   *   its watcher slot until it closes)
   * @param onClose called once when the request is over
   */
  constructor(
    private readonly client: AbortWatch,
    private readonly onClose: (scope: RequestScope) => void,
  ) {
    if (client.aborted) this.abort(client.reason);
    else client.watch(this.onClientAbort);
  }

  /** True once the client went away or the gateway aborted the request. */
  get aborted(): boolean {
    return this.abortSwitch.aborted;
  }

  /** Why the request was aborted (the client's reason or the shutdown error); set with `aborted`. */
  get reason(): unknown {
    return this.abortSwitch.reason;
  }

  /** Aborted on client disconnect or shutdown; `reason` says which. Built on first use. */
  get signal(): AbortSignal {
    return this.abortSwitch.signal;
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
    this.abortSwitch.abort(reason);
    this.attempt?.abort(this.reason);
  }

  /** The response is handed to the HTTP layer; the scope closes when its attempt ends. */
  respond(): void {
    this.responding = true;
    if (this.attempt === undefined || this.attempt.ended) this.close();
  }

  /** Called by an attempt when it ended. */
  attemptEnded(attempt: ScopedAttempt): void {
    if (this.attempt === attempt && this.responding) this.close();
  }

  /** Ends the scope (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.watch(undefined);
    this.onClose(this);
  }

  private readonly onClientAbort = (reason: unknown): void => this.abort(reason);
}
