import { z } from 'zod';
import { durationMs } from '../../config/units.js';
import { GatewayError } from '../../core/errors.js';
import type { TenantLimits } from '../../store/tenant-records.js';

const count = z.number().int().positive();

/** The limit fields shared by team and key bodies (docs/teams.md). */
const limitFields = {
  /** Allowed model ids, `*` wildcards. */
  models: z.array(z.string().min(1)).optional(),
  rpm: count.optional(),
  tpm: count.optional(),
  max_concurrency: count.optional(),
  /** USD per period. */
  budget_usd: z.number().nonnegative().optional(),
  budget_period: z.enum(['daily', 'weekly', 'monthly', 'total']).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
};

/** `POST /admin/teams`. */
export const TeamBody = z.strictObject({
  name: z.string().min(1).max(200),
  ...limitFields,
});

/** `POST /admin/keys`. */
export const KeyBody = z.strictObject({
  /** Team id or name. */
  team: z.string().min(1).optional(),
  name: z.string().min(1).max(200).optional(),
  /** Lifetime from now: ms, or `30d`, `12h`, … */
  expires: durationMs.optional(),
  ...limitFields,
});

/** The limits a parsed body sets, without absent fields. */
export function limitsOf(body: z.infer<typeof TeamBody> | z.infer<typeof KeyBody>): TenantLimits {
  const limits: TenantLimits = {};
  if (body.models !== undefined) limits.models = body.models;
  if (body.rpm !== undefined) limits.rpm = body.rpm;
  if (body.tpm !== undefined) limits.tpm = body.tpm;
  if (body.max_concurrency !== undefined) limits.max_concurrency = body.max_concurrency;
  if (body.budget_usd !== undefined) limits.budget_usd = body.budget_usd;
  if (body.budget_period !== undefined) limits.budget_period = body.budget_period;
  return limits;
}

/**
 * Validates an admin request body.
 * @throws GatewayError 400 `invalid_value` naming the first bad field in `param`
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.join('.') || null;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
  throw new GatewayError(400, keys ? `Unknown field(s): ${keys}` : `${param ?? 'body'}: ${issue.message}`, {
    param: keys ?? param,
    code: 'invalid_value',
  });
}
