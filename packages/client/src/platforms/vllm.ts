/**
 * The `vllm` platform: `vllm serve` (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html). OpenAI routes through the SDK with vLLM's
 * extra fields as top-level keys, a default `chat_template`, structured outputs adapted to the server's version, and
 * the unsupported parameters of vLLM's Extra Parameters (vLLM docs, Extra Parameters) policed; plus vLLM's own routes
 * at the server root.
 */
import { APIError } from 'openai';
import { openaiCompatibleEndpoints } from '../openai-compatible.js';
import { Transport } from '../transport.js';
import { openaiBaseURL, rootURL } from '../urls.js';
import type { VersionResponse } from '../version-probe.js';
import { VersionProbe } from '../version-probe.js';
import { vllmEndpoints } from '../vllm/endpoints.js';
import { adaptStructuredOutputs } from '../vllm/structured-outputs.js';
import type { PlatformContext, PlatformHandler } from './platform.js';

/** Default base URL of the `vllm` platform (`vllm serve` listens on port 8000). */
export const VLLM_BASE_URL = 'http://localhost:8000/v1';

/**
 * vLLM version from which `parallel_tool_calls: false` is honoured; before it the field is ignored
 * (vLLM docs, Extra Parameters: https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters;
 * vLLM release notes: https://github.com/vllm-project/vllm/releases). The exact release is unconfirmed: about v0.11.
 */
export const PARALLEL_TOOL_CALLS_SINCE = '0.11.0';

/** Creates the `vllm` platform. */
export function createVllmPlatform({ config, params }: PlatformContext): PlatformHandler {
  const base = openaiBaseURL(config.baseURL ?? VLLM_BASE_URL);
  const root = rootURL(base);
  const transport = new Transport({ ...config, baseURL: base });
  const version = (options = {}) => transport.get<VersionResponse>(`${root}/version`, options);
  const probe = new VersionProbe(() => version({ maxRetries: 0 }));
  const chatTemplate = config.vllm?.chatTemplate;
  return {
    name: 'vllm',
    transport,
    openaiBaseURL: base,
    ...openaiCompatibleEndpoints(transport, {
      retrieveFromList: true,
      prepareChat: async (body) => {
        if (chatTemplate !== undefined) body.chat_template ??= chatTemplate;
        if (body.parallel_tool_calls === false && (await probe.isBelow(PARALLEL_TOOL_CALLS_SINCE))) {
          params.reject(body, 'parallel_tool_calls', `ignored before vLLM ${PARALLEL_TOOL_CALLS_SINCE}`);
        }
        await adaptStructuredOutputs(body, probe, params);
      },
      prepareEmbedding: (body) => {
        if (chatTemplate !== undefined && 'messages' in body) body.chat_template ??= chatTemplate;
      },
      prepareCompletion: async (body) => {
        if (body.suffix !== undefined)
          params.reject(body, 'suffix', 'vLLM completions do not support suffix');
        await adaptStructuredOutputs(body, probe, params);
      },
    }),
    version,
    health: (options) => healthCheck(transport, `${root}/health`, options),
    vllm: vllmEndpoints(transport, root, chatTemplate),
  };
}

/**
 * GETs a health route without retries: true on 2xx, false on 5xx (vLLM answers 503 — 500 before Sept 2025 —
 * when its engine is dead, vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html).
 * @throws {APIError} for other statuses and connection failures
 */
export async function healthCheck(transport: Transport, url: string, options: object): Promise<boolean> {
  try {
    await transport.get(url, { maxRetries: 0, ...options });
    return true;
  } catch (error) {
    if (error instanceof APIError && error.status !== undefined && error.status >= 500) return false;
    throw error;
  }
}
