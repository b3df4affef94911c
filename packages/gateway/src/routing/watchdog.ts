import { performance } from 'node:perf_hooks';

/** Which limit a {@link Watchdog} enforced. */
export type Expiry = 'first_byte' | 'idle' | 'total';

/** Timers fire up to a millisecond early (rounding); deadlines this close count as reached. */
const SLACK_MS = 1;

/** How often the shared sweep looks at running watchdogs, ms: a limit is enforced up to this much late. */
export const SWEEP_INTERVAL_MS = 10;

/**
 * Enforces the first-byte, idle and total timeouts of one upstream attempt. Chunks only stamp the time of
 * their arrival; one shared sweep (every {@link SWEEP_INTERVAL_MS} while any watchdog runs) checks the stamps.
 * A timer per attempt cost a timer-list insert and removal per request, and at concurrency 1 the list was
 * rebuilt for every request (bench/README.md). All times are `performance.now()` milliseconds.
 */
export class Watchdog {
  private streaming = false;
  private lastActivity = 0;
  private running = true;
  private confirming = false;

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
    sweep.add(this);
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
    this.running = false;
    sweep.delete(this);
  }

  /** Called by the sweep: when a limit looks reached, confirms it after pending I/O (see {@link confirm}). */
  check(now: number): void {
    if (this.confirming || now + SLACK_MS < this.dueAt()) return;
    this.confirming = true;
    setImmediate(this.confirm);
  }

  /**
   * Runs after the poll phase that follows the sweep: bytes that arrived while the event loop was busy
   * are processed first, so a stalled gateway does not blame the upstream.
   */
  private readonly confirm = (): void => {
    this.confirming = false;
    if (!this.running) return;
    const now = performance.now() + SLACK_MS;
    if (now < this.dueAt()) return;
    this.stop();
    if (now >= this.deadline) this.onExpire('total');
    else this.onExpire(this.streaming ? 'idle' : 'first_byte');
  };

  /** The next point at which a limit is reached. */
  private dueAt(): number {
    const phase = this.streaming ? this.lastActivity + this.idleMs : this.startedAt + this.firstByteMs;
    return Math.min(phase, this.deadline);
  }
}

/**
 * The running watchdogs and the one interval that checks them. The interval starts with the first watchdog
 * and stops at the first tick that finds none running; it is unref'd, so it never keeps the process alive.
 */
class Sweep {
  private readonly watchdogs = new Set<Watchdog>();
  private timer: NodeJS.Timeout | undefined;

  add(watchdog: Watchdog): void {
    this.watchdogs.add(watchdog);
    if (!this.timer) this.timer = setInterval(this.tick, SWEEP_INTERVAL_MS).unref();
  }

  delete(watchdog: Watchdog): void {
    this.watchdogs.delete(watchdog);
  }

  private readonly tick = (): void => {
    if (this.watchdogs.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = performance.now();
    for (const watchdog of this.watchdogs) watchdog.check(now);
  };
}

const sweep = new Sweep();
