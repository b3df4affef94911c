/**
 * The `switchyard` platform: a Switchyard gateway. It speaks the OpenAI format (unknown fields are forwarded to
 * OpenAI-compatible deployments, so vLLM's extras pass through) and serves vLLM's own routes and `/version`, `/health`, `/health/providers`; it polices
 * unsupported parameters itself (400 naming the field), so the client sends requests unchanged.
 */
import type { HealthProvidersResponse } from '../health-providers.js';
import { openaiCompatibleEndpoints } from '../openai-compatible.js';
import { Transport } from '../transport.js';
import { openaiBaseURL, rootURL } from '../urls.js';
import type { VersionResponse } from '../version-probe.js';
import { vllmEndpoints } from '../vllm/endpoints.js';
import type { PlatformContext, PlatformHandler } from './platform.js';
import { healthCheck } from './vllm.js';

/** Creates the `switchyard` platform. */
export function createSwitchyardPlatform({ config }: PlatformContext): PlatformHandler {
  const base = openaiBaseURL(config.baseURL ?? '');
  const root = rootURL(base);
  const transport = new Transport({ ...config, baseURL: base });
  return {
    name: 'switchyard',
    transport,
    openaiBaseURL: base,
    ...openaiCompatibleEndpoints(transport),
    version: (options) => transport.get<VersionResponse>(`${root}/version`, options),
    health: (options) => healthCheck(transport, `${root}/health`, options),
    healthProviders: (options) => transport.get<HealthProvidersResponse>(`${root}/health/providers`, options),
    vllm: vllmEndpoints(transport, root),
  };
}
