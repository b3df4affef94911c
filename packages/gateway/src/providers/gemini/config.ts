import { z } from 'zod';
import { baseProviderFields } from '../definition.js';

/**
 * The Generative Language API with its default version prefix (Gemini API versions:
 * https://ai.google.dev/gemini-api/docs/api-versions).
 */
export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

/**
 * `providers.<id>` settings for `type: gemini`.
 *
 * ```yaml
 * providers:
 *   google:
 *     type: gemini
 *     api_key: ${GEMINI_API_KEY}
 * ```
 */
export const GeminiConfigSchema = z.strictObject({
  type: z.literal('gemini'),
  ...baseProviderFields,
  /** Base URL including the API version; `/models/...` is appended. Default `.../v1beta`. */
  base_url: z.url({ protocol: /^https?$/ }).default(GEMINI_BASE_URL),
  /** Sent as `x-goog-api-key` (Gemini API versions). */
  api_key: z.string().optional(),
  /** Verify the upstream's TLS certificate. Default true. */
  tls_verify: z.boolean().default(true),
  /** Keep-alive connections to the upstream. Default 128. */
  max_connections: z.number().int().positive().default(128),
});

export type GeminiConfig = z.infer<typeof GeminiConfigSchema>;
