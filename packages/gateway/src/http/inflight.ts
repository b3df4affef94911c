import type { FastifyInstance } from 'fastify';

/**
 * Counts requests whose response has not closed yet (streams included), so shutdown can wait for them.
 */
export class InflightRequests {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Requests in flight now. */
  get size(): number {
    return this.count;
  }

  enter(): void {
    this.count++;
  }

  leave(): void {
    this.count--;
    if (this.count === 0) {
      for (const w of this.waiters.splice(0)) w();
    }
  }

  /**
   * Resolves true when no request is in flight, or false after `timeoutMs` (ms) with requests still open.
   */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/**
 * Tracks every request from arrival until its response closes. A callback hook with one shared listener:
 * no promise and no closure per request.
 */
export function registerInflightTracking(app: FastifyInstance): InflightRequests {
  const inflight = new InflightRequests();
  const leave = (): void => inflight.leave();
  app.addHook('onRequest', (_request, reply, done) => {
    inflight.enter();
    reply.raw.once('close', leave);
    done();
  });
  return inflight;
}
