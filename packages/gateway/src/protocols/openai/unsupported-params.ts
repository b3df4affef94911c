import { GatewayError } from '../../core/errors.js';
import { DROPPED_PARAMS_HEADER } from '../../core/headers.js';

/** The {@link DROPPED_PARAMS_HEADER} for `names` (joined with `, `), or no header when nothing was dropped. */
export function droppedParamsHeader(names: readonly string[]): Record<string, string> {
  return names.length > 0 ? { [DROPPED_PARAMS_HEADER]: names.join(', ') } : {};
}

/** The names listed in a {@link DROPPED_PARAMS_HEADER} value. */
export function parseDroppedParams(value: string | undefined): string[] {
  return value ? value.split(', ') : [];
}

/**
 * Applies the "nothing is silently ignored" rule (issue #3 §5): every field in `unsupported` that the
 * client actually sent either fails the request with a 400 naming it, or, when `drop` is true (config
 * `drop_unsupported_params`), is removed and reported.
 * @param body the client's request body (not modified)
 * @param unsupported field names the provider cannot honour for this request
 * @param providerType for the error message
 * @param drop true to drop instead of failing
 * @returns the body without dropped fields, and the dropped names (for {@link DROPPED_PARAMS_HEADER})
 * @throws GatewayError 400 with `param` = the first unsupported field, when not dropping
 */
export function applyUnsupportedParams(
  body: Record<string, unknown>,
  unsupported: readonly string[],
  providerType: string,
  drop: boolean,
): { body: Record<string, unknown>; dropped: string[] } {
  const present = unsupported.filter((name) => body[name] !== undefined && body[name] !== null);
  if (present.length === 0) return { body, dropped: [] };
  if (!drop) {
    const first = present[0]!;
    throw new GatewayError(
      400,
      `parameter '${first}' is not supported by provider type '${providerType}'` +
        ' (set drop_unsupported_params: true on the provider or model to drop it instead)',
      { param: first, code: 'unsupported_parameter' },
    );
  }
  const copy = { ...body };
  for (const name of present) delete copy[name];
  return { body: copy, dropped: present };
}
