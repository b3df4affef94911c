import { performance } from 'node:perf_hooks';
import { GatewayError, UpstreamError } from '../core/errors.js';
import { AbortSwitch, type AbortWatch } from '../providers/abort-switch.js';
import type { AttemptHooks } from './guarded-response.js';
import type { Deployment } from './model-registry.js';
import type { CooldownReason } from './observer.js';
import type { RequestScope, ScopedAttempt } from './request-scope.js';
import { toUpstreamError } from './retry-policy.js';
import { type Expiry, Watchdog } from './watchdog.js';

/**
 * One call to one deployment, from taking its slot to the end of its response. Owns the abort handed to
 * the provider (aborted by the request scope or by its {@link Watchdog}), returns the slot and records the
 * outcome on the deployment exactly once.
 */
export class Attempt implements AttemptHooks, ScopedAttempt {
  readonly timing = { waitMs: 0 };
  /** W3C `traceparent` of this attempt's span, sent upstream (set when requests are traced). */
  readonly traceparent: string | undefined;
  ended = false;
  private readonly abortSwitch = new AbortSwitch();
  private readonly startedAt = performance.now();
  private readonly watchdog: Watchdog;
  private firstByteAt: number | undefined;

  /**
   * Call after the deployment admitted the request (its slot is held until {@link end}).
   * @param deployment where the attempt goes
   * @param scope the request; becomes its current attempt
   */
  constructor(
    private readonly deployment: Deployment,
    private readonly scope: RequestScope,
  ) {
    scope.attempt = this;
    this.traceparent = scope.observer?.attemptStarted(deployment);
    const { firstByte, idle } = deployment.timeouts;
    this.watchdog = new Watchdog(this.startedAt, firstByte, idle, scope.deadline, this.expire);
    if (scope.aborted) this.abort(scope.reason);
  }

  /** Handed to the provider: aborted on client disconnect, shutdown, or a timeout. */
  get abortWatch(): AbortWatch {
    return this.abortSwitch;
  }

  abort(reason: unknown): void {
    this.abortSwitch.abort(reason);
  }

  firstByte(now: number): void {
    this.firstByteAt = now;
    this.watchdog.firstByte(now);
    this.scope.observer?.firstByte(now);
  }

  data(value: unknown): void {
    this.scope.observer?.data(value);
  }

  activity(now: number): void {
    this.watchdog.activity(now);
  }

  /**
   * The error to raise for something thrown during the attempt: the abort reason when the attempt was
   * aborted (a timeout, shutdown, or the client's own reason), else the mapped upstream failure.
   */
  fail(err: unknown): unknown {
    if (this.abortSwitch.aborted) return this.abortSwitch.reason;
    return toUpstreamError(err, this.deployment.provider.id);
  }

  /**
   * Stops the watchdog, returns the slot and records the outcome: upstream failures count against the
   * deployment; client aborts and shutdown do not; any answer from the upstream (also a 4xx) counts as alive.
   */
  end(err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.watchdog.stop();
    const { state } = this.deployment;
    state.release();
    let cooledDown: CooldownReason | undefined;
    if (err === undefined) {
      state.recordSuccess(this.firstByteAt === undefined ? undefined : this.firstByteAt - this.startedAt);
    } else if (countsAgainstDeployment(err)) {
      const now = Date.now();
      const wasAvailable = state.isAvailable(now);
      state.recordFailure(err, now);
      if (wasAvailable && !state.isAvailable(now))
        cooledDown = err.status === 429 ? 'rate_limited' : 'failures';
    } else if (err instanceof GatewayError && !this.abortSwitch.aborted) {
      state.recordSuccess(undefined);
    }
    this.scope.observer?.attemptEnded(this.deployment, err, cooledDown);
    this.scope.attemptEnded(this);
  }

  private readonly expire = (expiry: Expiry): void => {
    const { provider, timeouts } = this.deployment;
    if (expiry === 'total') {
      this.abort(
        new GatewayError(504, 'The request exceeded its total time limit (timeouts.total)', {
          code: 'upstream_timeout',
        }),
      );
      return;
    }
    const message =
      expiry === 'first_byte'
        ? `upstream provider '${provider.id}' sent nothing within ${timeouts.firstByte} ms (timeouts.first_byte)`
        : `upstream provider '${provider.id}' stalled: no data for ${timeouts.idle} ms (timeouts.idle)`;
    this.abort(new UpstreamError(504, message, { failure: 'timeout' }));
  };
}

/** Failures that say the deployment is unwell: connect errors, timeouts, 408/429/5xx, malformed answers. */
function countsAgainstDeployment(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError && (err.retryable || err.status >= 500 || err.failure === 'protocol');
}
