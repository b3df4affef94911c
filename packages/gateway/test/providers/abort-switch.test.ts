import { describe, expect, it } from 'vitest';
import { AbortSwitch } from '../../src/providers/abort-switch.js';

describe('AbortSwitch', () => {
  it('calls its watcher once with the reason and aborts a signal built before or after', () => {
    const early = new AbortSwitch();
    const before = early.signal;
    const seen: unknown[] = [];
    early.watch((reason) => seen.push(reason));
    const reason = new Error('client went away');
    early.abort(reason);
    early.abort(new Error('second'));
    expect(seen).toEqual([reason]);
    expect(early).toMatchObject({ aborted: true, reason });
    expect(before.aborted).toBe(true);
    expect(before.reason).toBe(reason);
    expect(early.signal.reason).toBe(reason);
  });

  it('does not call a cleared watcher, and defaults the reason to an AbortError', () => {
    const s = new AbortSwitch();
    let called = false;
    s.watch(() => {
      called = true;
    });
    s.watch(undefined);
    s.abort();
    expect(called).toBe(false);
    expect(s.reason).toBeInstanceOf(DOMException);
    expect((s.reason as DOMException).name).toBe('AbortError');
    expect(s.signal.aborted).toBe(true);
  });
});
