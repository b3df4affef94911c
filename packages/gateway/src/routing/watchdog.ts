import { performance } from 'node:perf_hooks';

/** Which limit a {@link Watchdog} enforced. */
export type Expiry = 'first_byte' | 'idle' | 'total';

/** Timers fire up to a millisecond early (rounding); deadlines this close count as reached. */
const SLACK_MS = 1;

/**
 * Enforces the first-byte, idle and total timeouts of one upstream attempt with a single timer. Chunks only
 * stamp the time of their arrival; the timer, when it fires, checks the stamps and re-arms for the next due
 * point, so a stream costs one timer per idle period instead of one per chunk. All times are
 * `performance.now()` milliseconds.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private streaming = false;
  private lastActivity = 0;

  /**
   * Starts the first-byte clock.
   * @param startedAt when the upstream request started
   * @param firstByteMs allowed until the first byte
   * @param idleMs allowed between chunks after that
   * @param deadline absolute end of the whole request
   * @param onExpire called once when a limit is reached
   */
  constructor(
    private readonly startedAt: number,
    private readonly firstByteMs: number,
    private readonly idleMs: number,
    private readonly deadline: number,
    private readonly onExpire: (expiry: Expiry) => void,
  ) {
    this.arm(Math.min(startedAt + firstByteMs, deadline) - startedAt);
  }

  /** The first byte arrived: from now on, silence longer than the idle limit expires. */
  firstByte(now: number): void {
    this.streaming = true;
    this.lastActivity = now;
  }

  /** A later chunk arrived. */
  activity(now: number): void {
    this.lastActivity = now;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.check, Math.max(0, ms));
  }

  private readonly check = (): void => {
    if (this.timer === undefined) return;
    const due = this.dueAt();
    if (performance.now() + SLACK_MS >= due) setImmediate(this.confirm);
    else this.arm(due - performance.now());
  };

  /**
   * Runs after the poll phase that follows the timer: bytes that arrived while the event loop was busy
   * are processed first, so a stalled gateway does not blame the upstream.
   */
  private readonly confirm = (): void => {
    if (this.timer === undefined) return;
    const now = performance.now() + SLACK_MS;
    const due = this.dueAt();
    if (now < due) this.arm(due - now);
    else if (now >= this.deadline) this.expire('total');
    else this.expire(this.streaming ? 'idle' : 'first_byte');
  };

  /** The next point at which a limit is reached. */
  private dueAt(): number {
    const phase = this.streaming ? this.lastActivity + this.idleMs : this.startedAt + this.firstByteMs;
    return Math.min(phase, this.deadline);
  }

  private expire(expiry: Expiry): void {
    this.timer = undefined;
    this.onExpire(expiry);
  }
}
