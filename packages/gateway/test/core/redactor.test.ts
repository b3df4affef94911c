import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/core/redactor.js';

describe('Redactor', () => {
  it('replaces every occurrence of every secret, longest first', () => {
    const r = new Redactor(['sk-abcd', 'sk-abcd-long', 'tok.en+1']);
    expect(r.redact('a sk-abcd-long b sk-abcd c tok.en+1 d sk-abcd')).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED} d ${REDACTED}`,
    );
  });

  it('treats secrets as text, not patterns, and ignores ones too short to tell apart', () => {
    const r = new Redactor(['a.b*c', 'k', '']);
    expect(r.redact('axb*c a.b*c k')).toBe(`axb*c ${REDACTED} k`);
    expect(new Redactor(['k']).active).toBe(false);
  });

  it('redacts bytes only when a chunk holds a secret, returning the same chunk otherwise', () => {
    const r = new Redactor(['sk-secret-1']);
    const clean = Buffer.from('data: {"x":1}\n\n');
    expect(r.redactBytes(clean)).toBe(clean);
    const dirty = new Uint8Array(Buffer.from('data: {"m":"key sk-secret-1 é"}\n\n'));
    expect(Buffer.from(r.redactBytes(dirty)).toString()).toBe(`data: {"m":"key ${REDACTED} é"}\n\n`);
  });

  it('redacts optional string fields and keeps other values', () => {
    const r = new Redactor(['sk-secret-1']);
    expect(r.redactValue('code sk-secret-1')).toBe(`code ${REDACTED}`);
    expect(r.redactValue(null)).toBe(null);
    expect(r.redactValue(429)).toBe(429);
  });
});
