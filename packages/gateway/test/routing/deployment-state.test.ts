/**
 * The circuit breaker of one deployment (routing/deployment-state.ts) driven directly: consecutive failures
 * open it, a success in between resets the count, a 429 opens it at once for its Retry-After (or the
 * cooldown when the upstream sent none), and the later deadline wins.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError, UpstreamError } from '../../src/http/errors.js';
import { type DeploymentSettings, DeploymentState } from '../../src/routing/deployment-state.js';

const SETTINGS: DeploymentSettings = {
  weight: 1,
  queueSize: 0,
  queueTimeoutMs: 0,
  failureThreshold: 3,
  cooldownMs: 10_000,
};
const NOW = 1_000_000;
const states: DeploymentState[] = [];

function deployment(settings: Partial<DeploymentSettings> = {}): DeploymentState {
  const state = new DeploymentState(
    { ...SETTINGS, ...settings },
    () => Promise.resolve(),
    pino({ level: 'silent' }),
  );
  states.push(state);
  return state;
}

afterEach(() => {
  for (const s of states.splice(0)) s.dispose();
});

const serverError = () => new UpstreamError(503, 'overloaded', { failure: 'status' });
const rateLimited = (retryAfterMs?: number) =>
  new UpstreamError(429, 'slow down', {
    failure: 'status',
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

describe('DeploymentState circuit breaker', () => {
  it('opens after failureThreshold consecutive failures, for cooldownMs', () => {
    const d = deployment();
    d.recordFailure(serverError(), NOW);
    d.recordFailure(serverError(), NOW);
    expect(d.isAvailable(NOW)).toBe(true);
    d.recordFailure(serverError(), NOW);
    expect(d.isAvailable(NOW)).toBe(false);
    expect(d.coolingRemainingMs(NOW)).toBe(10_000);
    const snapshot = d.snapshot(NOW);
    expect(snapshot.state).toBe('cooling');
    expect(snapshot.consecutive_failures).toBe(3);
    expect(snapshot.cooldown_reason).toBe('3 consecutive failures, last: overloaded');
    expect(snapshot.cooldown_until).toBe(new Date(NOW + 10_000).toISOString());
  });

  it('a success resets the consecutive-failure count', () => {
    const d = deployment();
    d.recordFailure(serverError(), NOW);
    d.recordFailure(serverError(), NOW);
    d.recordSuccess(12);
    expect(d.consecutiveFailures).toBe(0);
    expect(d.snapshot(NOW).consecutive_failures).toBe(0);
    d.recordFailure(serverError(), NOW);
    d.recordFailure(serverError(), NOW);
    expect(d.isAvailable(NOW)).toBe(true);
    d.recordFailure(serverError(), NOW);
    expect(d.isAvailable(NOW)).toBe(false);
    expect(d.snapshot(NOW).recent).toEqual({ requests: 6, errors: 5, error_rate: 0.8333 });
  });

  it('an error answer that is not the upstream failing (no ttfb) still resets the count', () => {
    const d = deployment();
    d.recordFailure(serverError(), NOW);
    d.recordFailure(serverError(), NOW);
    d.recordSuccess(undefined);
    d.recordFailure(serverError(), NOW);
    expect(d.isAvailable(NOW)).toBe(true);
    expect(d.snapshot(NOW).ttfb_ewma_ms).toBeNull();
  });

  it('a 429 with Retry-After cools down at once for exactly that long, without a probe', () => {
    const d = deployment();
    d.recordFailure(rateLimited(2_500), NOW);
    expect(d.isAvailable(NOW)).toBe(false);
    expect(d.rateLimited).toBe(true);
    expect(d.coolingRemainingMs(NOW)).toBe(2_500);
    expect(d.isAvailable(NOW + 2_500)).toBe(true);
  });

  it('a 429 without Retry-After cools down for cooldownMs', () => {
    const d = deployment();
    d.recordFailure(rateLimited(), NOW);
    expect(d.coolingRemainingMs(NOW)).toBe(10_000);
    expect(d.snapshot(NOW).cooldown_reason).toBe('rate limited (429)');
    expect(d.isAvailable(NOW + 10_000)).toBe(true);
  });

  it('never shortens an open circuit: the later deadline wins', () => {
    const d = deployment();
    d.recordFailure(rateLimited(8_000), NOW);
    d.recordFailure(rateLimited(1_000), NOW + 1_000);
    expect(d.coolingRemainingMs(NOW)).toBe(8_000);
  });

  it('a failure-threshold cooldown stretches to a longer Retry-After', () => {
    const d = deployment({ failureThreshold: 1 });
    d.recordFailure(new UpstreamError(503, 'busy', { failure: 'status', retryAfterMs: 30_000 }), NOW);
    expect(d.coolingRemainingMs(NOW)).toBe(30_000);
    expect(d.rateLimited).toBe(false);
  });

  it('cooldown 0 never opens the circuit', () => {
    const d = deployment({ cooldownMs: 0, failureThreshold: 1 });
    for (let i = 0; i < 5; i++) d.recordFailure(new GatewayError(502, 'x'), NOW);
    d.recordFailure(rateLimited(5_000), NOW);
    expect(d.isAvailable(NOW)).toBe(true);
    expect(d.snapshot(NOW).consecutive_failures).toBe(6);
  });
});
