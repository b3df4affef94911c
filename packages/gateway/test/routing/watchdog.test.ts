import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type Expiry, SWEEP_INTERVAL_MS, Watchdog } from '../../src/routing/watchdog.js';

/** Starts a watchdog now and resolves with what expired and when (ms after start). */
function watch(firstByteMs: number, idleMs: number, totalMs: number) {
  const startedAt = performance.now();
  let expired: ((value: { expiry: Expiry; afterMs: number }) => void) | undefined;
  const result = new Promise<{ expiry: Expiry; afterMs: number }>((resolve) => {
    expired = resolve;
  });
  const watchdog = new Watchdog(startedAt, firstByteMs, idleMs, startedAt + totalMs, (expiry) =>
    expired!({ expiry, afterMs: performance.now() - startedAt }),
  );
  return { watchdog, result };
}

describe('Watchdog', () => {
  it('expires first_byte when nothing arrived, no earlier than the limit and within a sweep or two', async () => {
    const { result } = watch(40, 1_000, 10_000);
    const { expiry, afterMs } = await result;
    expect(expiry).toBe('first_byte');
    expect(afterMs).toBeGreaterThanOrEqual(39);
    expect(afterMs).toBeLessThan(40 + 5 * SWEEP_INTERVAL_MS);
  });

  it('after the first byte, expires idle only once chunks stop', async () => {
    const { watchdog, result } = watch(1_000, 40, 10_000);
    watchdog.firstByte(performance.now());
    const activeUntil = performance.now() + 120;
    while (performance.now() < activeUntil) {
      await sleep(10);
      watchdog.activity(performance.now());
    }
    const { expiry, afterMs } = await result;
    expect(expiry).toBe('idle');
    expect(afterMs).toBeGreaterThanOrEqual(120 + 39);
  });

  it('expires total at the deadline even while chunks keep arriving', async () => {
    const { watchdog, result } = watch(1_000, 1_000, 60);
    watchdog.firstByte(performance.now());
    const feeding = setInterval(() => watchdog.activity(performance.now()), 5);
    const { expiry, afterMs } = await result;
    clearInterval(feeding);
    expect(expiry).toBe('total');
    expect(afterMs).toBeGreaterThanOrEqual(59);
  });

  it('never expires once stopped', async () => {
    const { watchdog, result } = watch(20, 20, 20);
    watchdog.stop();
    const outcome = await Promise.race([result, sleep(100, 'quiet')]);
    expect(outcome).toBe('quiet');
  });
});
