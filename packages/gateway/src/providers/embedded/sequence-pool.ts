import type { LlamaContext, LlamaContextSequence } from 'node-llama-cpp';

interface Waiter {
  resolve: (sequence: LlamaContextSequence) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * The sequences of one llama context, lent to one generation at a time. Sequences of a context are decoded
 * together in shared batches, so concurrent requests run in parallel; when all are busy, callers wait in
 * FIFO order. A returned sequence's history is cleared, so every generation starts from an empty state
 * (outputs do not depend on what ran before).
 */
export class SequencePool {
  private readonly idle: LlamaContextSequence[] = [];
  private readonly waiters: Waiter[] = [];

  /** Takes every sequence the context has. */
  constructor(context: LlamaContext) {
    while (context.sequencesLeft > 0) this.idle.push(context.getSequence());
  }

  /**
   * Waits for a free sequence.
   * @throws the signal's reason when `signal` aborts while waiting
   */
  acquire(signal: AbortSignal): Promise<LlamaContextSequence> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const sequence = this.idle.pop();
    if (sequence) {
      return Promise.resolve(sequence);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Clears the sequence's state and hands it to the next waiter (or back to the idle list). */
  async release(sequence: LlamaContextSequence): Promise<void> {
    await sequence.clearHistory();
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(sequence);
      return;
    }
    this.idle.push(sequence);
  }
}
