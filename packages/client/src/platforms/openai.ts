/**
 * The `openai` platform: api.openai.com or any server that is plain OpenAI (OpenAI API reference:
 * https://platform.openai.com/docs/api-reference).
 */
import { openaiCompatibleEndpoints } from '../openai-compatible.js';
import { Transport } from '../transport.js';
import { trimSlashes } from '../urls.js';
import type { PlatformContext, PlatformHandler } from './platform.js';

/** Default base URL of the `openai` platform. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Creates the `openai` platform: the SDK's own behaviour, `baseURL` used as given. */
export function createOpenAIPlatform({ config }: PlatformContext): PlatformHandler {
  const openaiBaseURL = trimSlashes(config.baseURL ?? OPENAI_BASE_URL);
  const transport = new Transport({ ...config, baseURL: openaiBaseURL });
  return { name: 'openai', transport, openaiBaseURL, ...openaiCompatibleEndpoints(transport) };
}
