import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?$/i;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_BYTES: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/**
 * A number with an optional unit suffix, parsed with `pattern` and scaled by `units[suffix]`.
 * Plain numbers are taken as the base unit.
 */
function withUnits(pattern: RegExp, units: Record<string, number>, fallbackUnit: string, example: string) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    if (typeof value === 'number') {
      if (value >= 0) return value;
      ctx.addIssue({ code: 'custom', message: `must not be negative (got ${value})` });
      return z.NEVER;
    }
    const m = pattern.exec(value.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `invalid ${example} '${value}'` });
      return z.NEVER;
    }
    return Number(m[1]) * (units[(m[2] ?? fallbackUnit).toLowerCase()] ?? 1);
  });
}

/** A duration in config: a number of milliseconds, or a string such as `500ms`, `30s`, `5m`, `1h`, `30d`. Parses to ms. */
export const durationMs = withUnits(
  DURATION,
  DURATION_MS,
  'ms',
  'duration (use e.g. 500ms, 30s, 5m, 1h, 30d)',
);

/** A size in config: a number of bytes, or a string such as `512kb`, `10mb`, `1mib`. Parses to whole bytes. */
export const sizeBytes = withUnits(SIZE, SIZE_BYTES, 'b', 'size (use e.g. 512kb, 10mb)').transform(
  Math.floor,
);
