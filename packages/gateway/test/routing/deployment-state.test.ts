/**
 * The circuit breaker of one deployment (routing/deployment-state.ts) driven directly: consecutive failures
 * open it, a success in between resets the count, a 429 opens it at once for its Retry-After (or the
 * cooldown when the upstream sent none), and the later deadline wins.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError, UpstreamError } from '../../src/core/errors.js';
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

function deployment(
  settings: Partial<DeploymentSettings> = {},
  probe: () => Promise<unknown> = () => Promise.resolve(),
): DeploymentState {
  const state = new DeploymentState({ ...SETTINGS, ...settings }, probe, pino({ level: 'silent' }));
  states.push(state);
  return state;
}

afterEach(() => {
  for (const s of states.splice(0)) s.dispose();
  vi.useRealTimers();
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
    expect([d.isAvailable(NOW), d.rateLimited, d.snapshot(NOW).state]).toEqual([true, false, 'healthy']);
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

describe('DeploymentState probes', () => {
  it('after a failure cooldown a probe at the deadline puts the deployment back, with the count reset', async () => {
    vi.useFakeTimers({ now: NOW });
    const probe = vi.fn(() => Promise.resolve());
    const d = deployment({ failureThreshold: 1 }, probe);
    d.recordFailure(serverError(), NOW);
    expect(d.snapshot(NOW).state).toBe('cooling');
    await vi.advanceTimersByTimeAsync(9_999);
    expect(probe).not.toHaveBeenCalled();
    // Past the deadline but before the probe answered, traffic stays away.
    expect(d.isAvailable(NOW + 10_000)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(d.isAvailable(Date.now())).toBe(true);
    expect(d.snapshot(Date.now())).toMatchObject({
      state: 'healthy',
      consecutive_failures: 0,
      cooldown_reason: null,
    });
  });

  it('shows probing while the probe runs, and a failed probe cools the deployment again', async () => {
    vi.useFakeTimers({ now: NOW });
    let fail: (err: Error) => void = () => {};
    const probe = vi.fn(() => new Promise((_, reject) => (fail = reject)));
    const d = deployment({ failureThreshold: 1 }, probe);
    d.recordFailure(serverError(), NOW);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(d.snapshot(Date.now()).state).toBe('probing');
    expect(d.isAvailable(Date.now())).toBe(false);
    fail(new Error('connection refused'));
    await vi.advanceTimersByTimeAsync(0);
    const snapshot = d.snapshot(Date.now());
    expect(snapshot.state).toBe('cooling');
    expect(snapshot.cooldown_reason).toBe('health probe failed: connection refused');
    expect(d.coolingRemainingMs(Date.now())).toBe(10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('a 429 cooldown needs no probe; dispose stops a pending probe', async () => {
    vi.useFakeTimers({ now: NOW });
    const probe = vi.fn(() => Promise.resolve());
    const limited = deployment({}, probe);
    limited.recordFailure(rateLimited(1_000), NOW);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe).not.toHaveBeenCalled();
    expect(limited.isAvailable(Date.now())).toBe(true);
    const failing = deployment({ failureThreshold: 1 }, probe);
    failing.recordFailure(serverError(), Date.now());
    failing.dispose();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(probe).not.toHaveBeenCalled();
  });
});

describe('DeploymentState load and latency', () => {
  it('counts in-flight requests and, with max_concurrency, refuses beyond it', async () => {
    const d = deployment({ maxConcurrency: 1, queueSize: 1, queueTimeoutMs: 1_000 });
    expect(d.tryAdmit()).toBe(true);
    expect(d.tryAdmit()).toBe(false);
    expect([d.inFlight, d.load, d.saturated]).toEqual([1, 1, false]);
    const waiting = d.admit(new AbortController().signal, 1_000);
    expect([d.load, d.saturated, d.snapshot(NOW).queued]).toEqual([2, true, 1]);
    d.release();
    await waiting;
    expect([d.inFlight, d.load, d.saturated]).toEqual([1, 1, false]);
    d.release();
    expect(d.snapshot(NOW).in_flight).toBe(0);
  });

  it('without max_concurrency admits everything', async () => {
    const d = deployment();
    for (let i = 0; i < 50; i++) expect(d.tryAdmit()).toBe(true);
    await d.admit(new AbortController().signal, 0);
    expect([d.inFlight, d.load, d.saturated]).toEqual([51, 51, false]);
  });

  it('keeps a time-to-first-byte EWMA (alpha 0.3), rounded to 0.1 ms in the snapshot', () => {
    const d = deployment();
    expect(d.snapshot(NOW).ttfb_ewma_ms).toBeNull();
    d.recordSuccess(100);
    expect(d.ttfbEwmaMs).toBe(100);
    d.recordSuccess(200);
    expect(d.ttfbEwmaMs).toBeCloseTo(130, 10);
    d.recordSuccess(undefined);
    expect(d.ttfbEwmaMs).toBeCloseTo(130, 10);
    d.recordSuccess(0.123);
    expect(d.snapshot(NOW).ttfb_ewma_ms).toBe(91);
    d.recordSuccess(91.5);
    expect(d.snapshot(NOW).ttfb_ewma_ms).toBe(91.2);
  });

  it('the error rate covers the last 100 attempts only', () => {
    const d = deployment({ cooldownMs: 0 });
    for (let i = 0; i < 100; i++) d.recordFailure(serverError(), NOW);
    expect(d.snapshot(NOW).recent).toEqual({ requests: 100, errors: 100, error_rate: 1 });
    for (let i = 0; i < 30; i++) d.recordSuccess(10);
    expect(d.snapshot(NOW).recent).toEqual({ requests: 100, errors: 70, error_rate: 0.7 });
    for (let i = 0; i < 100; i++) d.recordSuccess(10);
    expect(d.snapshot(NOW).recent).toEqual({ requests: 100, errors: 0, error_rate: 0 });
  });

  it('a cooldown ends exactly at its deadline', () => {
    const d = deployment();
    d.recordFailure(rateLimited(1_000), NOW);
    expect(d.snapshot(NOW + 999).state).toBe('cooling');
    expect(d.snapshot(NOW + 1_000)).toMatchObject({
      state: 'healthy',
      cooldown_until: null,
      cooldown_reason: null,
    });
  });
});
