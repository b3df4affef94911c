import { describe, expect, it } from 'vitest';
import { newId } from '../src/core/ids.js';

describe('newId', () => {
  it('appends 2 hex characters per random byte to the prefix', () => {
    expect(newId('req_', 8)).toMatch(/^req_[0-9a-f]{16}$/);
    expect(newId('chatcmpl-')).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
  });

  it('stays unique across many refills of its random pool', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newId('x', 8)));
    expect(ids.size).toBe(20_000);
  });

  it('serves ids as large as the pool', () => {
    newId('a', 7);
    expect(newId('b', 4096)).toMatch(/^b[0-9a-f]{8192}$/);
  });
});
