import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?$/i;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_BYTES: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** A duration in config: a number of milliseconds, or a string such as `500ms`, `30s`, `5m`, `1h`. Parses to ms. */
export const durationMs = z.union([
  z.number().nonnegative(),
  z.string().transform((s, ctx) => {
    const m = DURATION.exec(s.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `invalid duration '${s}' (use e.g. 500ms, 30s, 5m, 1h)` });
      return z.NEVER;
    }
    return Number(m[1]) * (DURATION_MS[m[2]!] ?? 1);
  }),
]);

/** A size in config: a number of bytes, or a string such as `512kb`, `10mb`, `1mib`. Parses to bytes. */
export const sizeBytes = z.union([
  z.number().int().positive(),
  z.string().transform((s, ctx) => {
    const m = SIZE.exec(s.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `invalid size '${s}' (use e.g. 512kb, 10mb)` });
      return z.NEVER;
    }
    return Math.floor(Number(m[1]) * (SIZE_BYTES[(m[2] ?? 'b').toLowerCase()] ?? 1));
  }),
]);
