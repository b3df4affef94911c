import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { ProviderDefinition } from '../definition.js';
import {
  type DiscoveredModel,
  type Endpoint,
  type Provider,
  type ProviderRequest,
  type ProviderResponse,
  unsupportedEndpoint,
} from '../provider.js';
import { type OpenAICompatibleConfig, OpenAICompatibleConfigSchema } from './config.js';
import { OPENAI_COMPATIBLE_PRESETS } from './presets.js';
import { transportError, upstreamStatusError } from './upstream-errors.js';

/** Paths below `base_url` for the OpenAI routes (shared/api/openai.md). */
const PATHS: Partial<Record<Endpoint, string>> = {
  'chat.completions': '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

/** Default total time for one upstream request: 10 minutes (long generations). */
const DEFAULT_TIMEOUT_MS = 600_000;
/** Time allowed for discovery / health probes. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Passthrough to an OpenAI-compatible upstream (vLLM, llama.cpp, hosted services). The body goes upstream
 * byte for byte, with only `model` replaced when the deployment's upstream name differs; unknown fields
 * (`guided_choice`, `prompt_logprobs`, `top_k`, ...) pass untouched. The upstream's response bytes are
 * returned unbuffered. The provider's key from config is sent; the client's `Authorization` never is.
 */
export class OpenAICompatibleProvider implements Provider {
  readonly type: string;
  readonly discover: boolean;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(
    readonly id: string,
    config: OpenAICompatibleConfig,
  ) {
    const preset = OPENAI_COMPATIBLE_PRESETS[config.type];
    this.type = config.type;
    this.discover = config.discover ?? preset.selfHosted;
    this.baseUrl = (config.base_url ?? ('baseUrl' in preset ? preset.baseUrl : '')).replace(/\/+$/, '');
    this.timeoutMs = config.timeout ?? DEFAULT_TIMEOUT_MS;
    this.headers = { ...config.headers, 'content-type': 'application/json' };
    if (config.api_key) this.headers.authorization = `Bearer ${config.api_key}`;
    this.agent = new Agent({
      connections: config.max_connections,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { rejectUnauthorized: config.tls_verify, timeout: 10_000 },
    });
  }

  /** GET `{base_url}/models`; vLLM adds `max_model_len` to each entry (shared/api/vllm.md §2). */
  async listModels(signal: AbortSignal): Promise<DiscoveredModel[]> {
    const probeSignal = AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]);
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.baseUrl}/models`, {
        dispatcher: this.agent,
        headers: this.headers,
        signal: probeSignal,
      });
    } catch (err) {
      throw transportError(err, this.id, signal);
    }
    if (res.statusCode >= 400) throw await upstreamStatusError(res.statusCode, res.headers, res.body);
    const body = (await res.body.json()) as {
      data?: { id?: unknown; max_model_len?: unknown; created?: unknown }[];
    };
    return (body.data ?? [])
      .filter((m) => typeof m.id === 'string')
      .map((m) => ({
        id: m.id as string,
        ...(typeof m.max_model_len === 'number' ? { maxModelLen: m.max_model_len } : {}),
        ...(typeof m.created === 'number' ? { created: m.created } : {}),
      }));
  }

  async handle(req: ProviderRequest): Promise<ProviderResponse> {
    const path = PATHS[req.endpoint];
    if (!path) throw unsupportedEndpoint(this.type, req.endpoint);
    const body =
      req.rawBody && req.body.model === req.model
        ? req.rawBody
        : JSON.stringify({ ...req.body, model: req.model });
    const started = performance.now();
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(this.baseUrl + path, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { ...this.headers, 'x-request-id': req.requestId },
        body,
        signal: req.signal,
      });
    } catch (err) {
      throw transportError(err, this.id, req.signal);
    }
    req.timing.waitMs += performance.now() - started;
    if (res.statusCode >= 400) throw await upstreamStatusError(res.statusCode, res.headers, res.body);
    const contentType = res.headers['content-type'];
    return {
      kind: 'bytes',
      status: res.statusCode,
      contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? 'application/json',
      body: res.body,
    };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Registers every OpenAI-compatible preset type with the config loader. */
export const openAICompatibleDefinition: ProviderDefinition<OpenAICompatibleConfig> = {
  types: Object.keys(OPENAI_COMPATIBLE_PRESETS),
  schema: OpenAICompatibleConfigSchema,
  create: (id, config) => new OpenAICompatibleProvider(id, config),
};
