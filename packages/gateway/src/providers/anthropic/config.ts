import { z } from 'zod';
import { baseProviderFields } from '../definition.js';

/** Anthropic's API origin plus version prefix (Anthropic API overview: https://docs.anthropic.com/en/api/overview). */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com/v1';
/**
 * The `anthropic-version` header value the official SDK sends (Anthropic API reference, Versions:
 * https://docs.anthropic.com/en/api/versioning).
 */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * `providers.<id>` settings for `type: anthropic`.
 *
 * ```yaml
 * providers:
 *   claude:
 *     type: anthropic
 *     api_key: ${ANTHROPIC_API_KEY}
 *     default_max_tokens: 4096   # sent as max_tokens when neither the client nor the model sets one
 * ```
 */
export const AnthropicConfigSchema = z.strictObject({
  type: z.literal('anthropic'),
  ...baseProviderFields,
  /**
   * The API's base URL, with or without `/v1` (the Anthropic SDK's `ANTHROPIC_BASE_URL` has none; the
   * gateway adds it when the path does not end in `/v1`); `/messages` and `/models` are appended.
   * Default `https://api.anthropic.com/v1`.
   */
  base_url: z
    .url({ protocol: /^https?$/ })
    .default(ANTHROPIC_BASE_URL)
    .transform(withVersionPrefix),
  /** Sent as `x-api-key`. */
  api_key: z.string().optional(),
  /** Sent as `anthropic-version`. Default `2023-06-01`. */
  anthropic_version: z.string().min(1).default(ANTHROPIC_VERSION),
  /**
   * Tokens. The Messages API requires `max_tokens`; when the client sends neither `max_tokens` nor
   * `max_completion_tokens`, the model's `default_max_tokens` is used, else this value, else the maximum
   * output of the model's Claude family (max-output-tokens.ts), else the request fails with 400 naming
   * `max_tokens`. This is the only default the gateway ever adds to a request.
   */
  default_max_tokens: z.number().int().positive().optional(),
  /** Verify the upstream's TLS certificate. Default true. */
  tls_verify: z.boolean().default(true),
  /** Keep-alive connections to the upstream. Default 128. */
  max_connections: z.number().int().positive().default(128),
});

/** `base_url` ending in `/v1` (trailing slashes dropped; `/v1` appended when the path ends otherwise). */
function withVersionPrefix(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

export type AnthropicConfig = z.infer<typeof AnthropicConfigSchema>;
