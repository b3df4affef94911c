import { z } from 'zod';
import { baseProviderFields } from '../definition.js';

/**
 * Where a local Ollama listens by default (Ollama FAQ, "How can I expose Ollama on my network?":
 * https://github.com/ollama/ollama/blob/main/docs/faq.md#how-can-i-expose-ollama-on-my-network).
 */
export const OLLAMA_DEFAULT_BASE_URL = 'http://127.0.0.1:11434';

/**
 * `providers.<id>` settings for `type: ollama`, which speaks Ollama's native `/api/*` routes.
 * Per-model Ollama defaults (`options`, `keep_alive`, `num_ctx`, `think`) live under `models[].params`.
 */
export const OllamaConfigSchema = z.strictObject({
  type: z.literal('ollama'),
  ...baseProviderFields,
  /** Server root without the `/api` prefix. Default `http://127.0.0.1:11434`. */
  base_url: z.url({ protocol: /^https?$/ }).default(OLLAMA_DEFAULT_BASE_URL),
  /** Keep-alive connections to the Ollama server. Default 32. */
  max_connections: z.number().int().positive().default(32),
});

export type OllamaConfig = z.infer<typeof OllamaConfigSchema>;
