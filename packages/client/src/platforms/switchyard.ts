/**
 * The `switchyard` platform: a Switchyard gateway. It speaks the OpenAI format (unknown fields are forwarded to
 * OpenAI-compatible deployments, so vLLM's extras pass through) and serves vLLM's own routes; it polices
 * unsupported parameters itself (400 naming the field), so the client sends requests unchanged.
 */
import { openaiCompatibleEndpoints } from '../openai-compatible.js';
import { Transport } from '../transport.js';
import { openaiBaseURL, rootURL } from '../urls.js';
import { vllmEndpoints } from '../vllm/endpoints.js';
import type { PlatformContext, PlatformHandler } from './platform.js';
import { healthCheck } from './vllm.js';

/** Creates the `switchyard` platform. */
export function createSwitchyardPlatform({ config }: PlatformContext): PlatformHandler {
  if (config.baseURL === undefined) throw new TypeError('baseURL is required for the switchyard platform');
  const base = openaiBaseURL(config.baseURL);
  const root = rootURL(base);
  const transport = new Transport({ ...config, baseURL: base });
  return {
    name: 'switchyard',
    transport,
    openaiBaseURL: base,
    ...openaiCompatibleEndpoints(transport),
    health: (options) => healthCheck(transport, `${root}/health`, options),
    vllm: vllmEndpoints(transport, root),
  };
}
