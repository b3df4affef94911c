import type { Logger } from 'pino';
import { type GatewayError, UpstreamError } from '../core/errors.js';
import { AdmissionQueue } from './admission-queue.js';
import type { LoadView } from './strategies.js';

/** Per-deployment routing settings, resolved from config with defaults (routing-config.ts). */
export interface DeploymentSettings {
  weight: number;
  /** Undefined: unlimited, no queue. */
  maxConcurrency?: number;
  queueSize: number;
  queueTimeoutMs: number;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  cooldownMs: number;
}

/** Where a deployment stands: serving, out of rotation until a deadline, or being checked by a probe. */
export type DeploymentHealth = 'healthy' | 'cooling' | 'probing';

/** A deployment's state as `/health/providers` shows it. */
export interface DeploymentSnapshot {
  state: DeploymentHealth;
  /** ISO 8601 end of the current cooldown, or null. */
  cooldown_until: string | null;
  cooldown_reason: string | null;
  in_flight: number;
  queued: number;
  consecutive_failures: number;
  /** Time-to-first-byte EWMA, ms (rounded to 0.1), or null before the first success. */
  ttfb_ewma_ms: number | null;
  /** The last {@link OUTCOME_WINDOW} attempts. */
  recent: { requests: number; errors: number; error_rate: number };
}

/** Attempts remembered for the error rate. */
export const OUTCOME_WINDOW = 100;
/** Weight of the newest sample in the time-to-first-byte EWMA. */
const EWMA_ALPHA = 0.3;

/**
 * Live state of one deployment: in-flight count and optional admission queue (`max_concurrency`), latency
 * EWMA, recent outcomes, and the circuit breaker. The circuit opens for `cooldownMs` (or the upstream's
 * `Retry-After` when longer) after `failureThreshold` consecutive failures, and at once on a 429 (for its
 * `Retry-After`, else `cooldownMs`); an open circuit never shortens (the later deadline wins). After a
 * failure cooldown a background probe (the provider's model listing) must succeed before traffic returns;
 * after a 429 cooldown traffic returns when the deadline passes.
 */
export class DeploymentState implements LoadView {
  inFlight = 0;
  ttfbEwmaMs: number | undefined;
  consecutiveFailures = 0;
  private coolingUntil = 0;
  private needsProbe = false;
  private probing = false;
  private cooldownReason: string | null = null;
  private cooledByRateLimit = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly queue: AdmissionQueue | undefined;
  private readonly outcomes = new Uint8Array(OUTCOME_WINDOW);
  private outcomePos = 0;
  private outcomeCount = 0;
  private errorCount = 0;

  /**
   * @param probe resolves when the upstream answers a health check, rejects otherwise
   * @param logger bound to the deployment; told when the circuit opens and closes
   */
  constructor(
    readonly settings: DeploymentSettings,
    private readonly probe: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {
    if (settings.maxConcurrency !== undefined) {
      this.queue = new AdmissionQueue(settings.maxConcurrency, settings.queueSize);
    }
  }

  get weight(): number {
    return this.settings.weight;
  }

  get load(): number {
    return this.inFlight + (this.queue?.queued ?? 0);
  }

  /** True when routing may send this deployment traffic now (`now`: `Date.now()`). */
  isAvailable(now: number): boolean {
    return !this.probing && !this.needsProbe && now >= this.coolingUntil;
  }

  /** True when the current cooldown comes from an upstream 429. */
  get rateLimited(): boolean {
    return this.cooledByRateLimit;
  }

  /** True when the admission queue would refuse a request at once. */
  get saturated(): boolean {
    return this.queue?.full ?? false;
  }

  /** Milliseconds until the cooldown ends (0 when it has, or a probe is deciding). */
  coolingRemainingMs(now: number): number {
    return Math.max(0, this.coolingUntil - now);
  }

  /** Takes a slot without waiting; false when `max_concurrency` is reached. */
  tryAdmit(): boolean {
    if (this.queue && !this.queue.tryAcquire()) return false;
    this.inFlight++;
    return true;
  }

  /**
   * Waits in the admission queue for a slot.
   * @throws CapacityError (429) when the queue is full or `timeoutMs` passes; `signal.reason` on abort
   */
  async admit(signal: AbortSignal, timeoutMs: number): Promise<void> {
    await this.queue?.acquire(signal, timeoutMs);
    this.inFlight++;
  }

  /** Returns the slot taken by {@link tryAdmit} / {@link admit}. */
  release(): void {
    this.inFlight--;
    this.queue?.release();
  }

  /** The upstream answered; `ttfbMs` is request sent → first byte, or undefined for an error answer. */
  recordSuccess(ttfbMs: number | undefined): void {
    this.consecutiveFailures = 0;
    if (ttfbMs !== undefined) {
      this.ttfbEwmaMs =
        this.ttfbEwmaMs === undefined ? ttfbMs : this.ttfbEwmaMs + EWMA_ALPHA * (ttfbMs - this.ttfbEwmaMs);
    }
    this.pushOutcome(0);
  }

  /** The attempt failed because of the upstream; may open the circuit (never when `cooldownMs` is 0). */
  recordFailure(err: GatewayError, now: number): void {
    this.pushOutcome(1);
    this.consecutiveFailures++;
    if (this.settings.cooldownMs === 0) return;
    const retryAfterMs = err instanceof UpstreamError ? err.retryAfterMs : undefined;
    if (err.status === 429) {
      this.coolDown(now, retryAfterMs ?? this.settings.cooldownMs, false, 'rate limited (429)');
    } else if (this.consecutiveFailures >= this.settings.failureThreshold) {
      this.coolDown(
        now,
        Math.max(this.settings.cooldownMs, retryAfterMs ?? 0),
        true,
        `${this.consecutiveFailures} consecutive failures, last: ${err.message}`,
      );
    }
  }

  snapshot(now: number): DeploymentSnapshot {
    const cooling = now < this.coolingUntil;
    return {
      state: this.probing ? 'probing' : cooling || this.needsProbe ? 'cooling' : 'healthy',
      cooldown_until: cooling ? new Date(this.coolingUntil).toISOString() : null,
      cooldown_reason: cooling || this.needsProbe || this.probing ? this.cooldownReason : null,
      in_flight: this.inFlight,
      queued: this.queue?.queued ?? 0,
      consecutive_failures: this.consecutiveFailures,
      ttfb_ewma_ms: this.ttfbEwmaMs === undefined ? null : Math.round(this.ttfbEwmaMs * 10) / 10,
      recent: {
        requests: this.outcomeCount,
        errors: this.errorCount,
        error_rate:
          this.outcomeCount === 0 ? 0 : Math.round((this.errorCount / this.outcomeCount) * 1e4) / 1e4,
      },
    };
  }

  /** Stops a pending probe timer. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.probeTimer);
  }

  private coolDown(now: number, periodMs: number, probe: boolean, reason: string): void {
    const until = now + periodMs;
    if (until > this.coolingUntil) {
      this.cooledByRateLimit = !probe;
      if (this.isAvailable(now)) {
        this.logger.warn({ until: new Date(until).toISOString(), reason }, 'deployment cooling down');
      }
      this.coolingUntil = until;
      this.cooldownReason = reason;
    }
    if (!probe || this.needsProbe || this.probing) return;
    this.needsProbe = true;
    this.scheduleProbe(now);
  }

  private scheduleProbe(now: number): void {
    clearTimeout(this.probeTimer);
    if (this.disposed) return;
    this.probeTimer = setTimeout(() => void this.runProbe(), Math.max(0, this.coolingUntil - now));
    this.probeTimer.unref();
  }

  private async runProbe(): Promise<void> {
    if (Date.now() < this.coolingUntil) {
      this.scheduleProbe(Date.now());
      return;
    }
    this.probing = true;
    try {
      await this.probe();
      this.needsProbe = false;
      this.cooledByRateLimit = false;
      this.consecutiveFailures = 0;
      this.cooldownReason = null;
      this.logger.info('deployment back in rotation after a successful health probe');
    } catch (err) {
      const now = Date.now();
      this.coolingUntil = now + this.settings.cooldownMs;
      this.cooldownReason = `health probe failed: ${(err as Error).message}`;
      this.scheduleProbe(now);
    } finally {
      this.probing = false;
    }
  }

  private pushOutcome(failed: 0 | 1): void {
    if (this.outcomeCount === OUTCOME_WINDOW) this.errorCount -= this.outcomes[this.outcomePos]!;
    else this.outcomeCount++;
    this.outcomes[this.outcomePos] = failed;
    this.errorCount += failed;
    this.outcomePos = (this.outcomePos + 1) % OUTCOME_WINDOW;
  }
}
