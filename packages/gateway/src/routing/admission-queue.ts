import { GatewayError } from '../core/errors.js';

/**
 * A deployment has no slot for the request: its queue is full or the wait timed out. Status 429 with
 * `Retry-After` (seconds), `rate_limit_error` (OpenAI error codes guide:
 * https://platform.openai.com/docs/guides/error-codes).
 */
export class CapacityError extends GatewayError {
  constructor(message: string, code: 'queue_full' | 'queue_timeout', retryAfterSeconds: number) {
    super(429, message, { code, headers: { 'retry-after': String(retryAfterSeconds) } });
    this.name = 'CapacityError';
  }
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * `max_concurrency` for one deployment: at most `maxConcurrency` requests hold a slot; up to `queueSize`
 * more wait in FIFO order for at most their timeout. Slots are handed directly from a releasing request to
 * the oldest waiter, so a waiter cannot be overtaken.
 */
export class AdmissionQueue {
  private active = 0;
  private readonly waiters = new Set<Waiter>();

  /**
   * @param maxConcurrency slots (≥ 1)
   * @param queueSize waiters allowed beyond the slots (≥ 0)
   */
  constructor(
    readonly maxConcurrency: number,
    readonly queueSize: number,
  ) {}

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiters.size;
  }

  /** True when a new request would be refused at once. */
  get full(): boolean {
    return this.active >= this.maxConcurrency && this.waiters.size >= this.queueSize;
  }

  /** Takes a slot when one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.active >= this.maxConcurrency) return false;
    this.active++;
    return true;
  }

  /**
   * Waits for a slot (call after {@link tryAcquire} failed).
   * @param signal aborts the wait; the promise then rejects with `signal.reason`
   * @param timeoutMs longest wait, ms
   * @throws CapacityError when the queue is full or the wait times out
   */
  acquire(signal: AbortSignal, timeoutMs: number): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.tryAcquire()) return Promise.resolve();
    if (this.waiters.size >= this.queueSize) {
      return Promise.reject(new CapacityError('Deployment queue is full', 'queue_full', 1));
    }
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        resolve: () => {
          settle();
          resolve();
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      };
      const onAbort = () => waiter.reject(signal.reason);
      const timer = setTimeout(
        () =>
          waiter.reject(
            new CapacityError(
              `No deployment slot became free within ${Math.round(timeoutMs)} ms`,
              'queue_timeout',
              1,
            ),
          ),
        timeoutMs,
      );
      this.waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Returns a slot: the oldest waiter gets it, or it becomes free. */
  release(): void {
    const next = this.waiters.values().next();
    if (next.done) this.active--;
    else next.value.resolve();
  }
}
