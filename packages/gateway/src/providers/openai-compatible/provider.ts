import type { Agent } from 'undici';
import { connectTimeoutMs, DEFAULT_TIMEOUTS } from '../../config/timeouts.js';
import { upstreamAgent } from '../../upstream/agent.js';
import type { ProviderDefinition } from '../definition.js';
import {
  type DiscoveredModel,
  type Endpoint,
  type NativeProtocol,
  type Provider,
  type ProviderRequest,
  type ProviderResponse,
  unsupportedEndpoint,
} from '../provider.js';
import { type OpenAICompatibleConfig, OpenAICompatibleConfigSchema } from './config.js';
import { LlamaCppExtraEndpoints } from './llamacpp/extra-endpoints.js';
import { multipartBoundary, renameMultipartModel } from './multipart-model-rename.js';
import { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePreset } from './presets.js';
import { serverRoot } from './server-root.js';
import type { UpstreamResponse as UpstreamCallResponse } from './upstream-call.js';
import { finalForUpload, UpstreamHttp, type UpstreamResponse } from './upstream-http.js';

/**
 * Paths below `base_url` for the OpenAI routes (OpenAI API reference:
 * https://platform.openai.com/docs/api-reference).
 */
const PATHS: Partial<Record<Endpoint, string>> = {
  'chat.completions': '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

/**
 * Paths below the server root for vLLM's extra routes (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html). The aliases a client may call (`/v1/score`,
 * `/v1/rerank`, `/v2/rerank`) share their canonical route's schema and go to it.
 */
const ROOT_PATHS: Partial<Record<Endpoint, string>> = {
  tokenize: '/tokenize',
  detokenize: '/detokenize',
  pooling: '/pooling',
  classify: '/classify',
  score: '/score',
  rerank: '/rerank',
};

/**
 * Passthrough to an OpenAI-compatible upstream (vLLM, llama.cpp, hosted services). The body goes upstream
 * byte for byte, with only `model` replaced when the deployment's upstream name differs; unknown fields
 * (`guided_choice`, `prompt_logprobs`, `top_k`, ...) pass untouched. The upstream's response bytes are
 * returned unbuffered. The provider's key from config is sent; the client's `Authorization` never is.
 * vLLM's extra endpoints follow the preset's `extraEndpoints`: passed through to the server root (vLLM,
 * generic servers), translated (llama.cpp, see llamacpp/), or refused with 400. Audio transcriptions are
 * streamed through as multipart for every type.
 */
export class OpenAICompatibleProvider implements Provider {
  readonly type: string;
  readonly discover: boolean;
  private readonly baseUrl: string;
  private readonly root: string;
  private readonly preset: OpenAICompatiblePreset;
  private readonly agent: Agent;
  private readonly http: UpstreamHttp;
  private readonly llamacpp: LlamaCppExtraEndpoints | undefined;
  private readonly nativeResponses: boolean;

  constructor(
    readonly id: string,
    config: OpenAICompatibleConfig,
  ) {
    this.preset = OPENAI_COMPATIBLE_PRESETS[config.type];
    this.type = config.type;
    this.discover = config.discover ?? this.preset.selfHosted;
    this.baseUrl = (config.base_url ?? this.preset.baseUrl ?? '').replace(/\/+$/, '');
    this.root = serverRoot(this.baseUrl);
    this.nativeResponses = config.native_responses ?? config.type === 'openai';
    const timeoutMs = config.timeout ?? DEFAULT_TIMEOUTS.total;
    const headers: Record<string, string> = { ...config.headers };
    if (config.api_key) headers.authorization = `Bearer ${config.api_key}`;
    this.agent = upstreamAgent({
      maxConnections: config.max_connections,
      timeoutMs,
      connectTimeoutMs: connectTimeoutMs(config),
      tlsVerify: config.tls_verify,
    });
    this.http = new UpstreamHttp(id, this.agent, headers);
    this.llamacpp =
      this.preset.extraEndpoints === 'llamacpp'
        ? new LlamaCppExtraEndpoints(id, this.http, this.baseUrl, this.root)
        : undefined;
  }

  /**
   * GET `{base_url}/models`. vLLM adds `max_model_len` to each entry (vLLM docs, OpenAI-Compatible Server:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) but says nothing about the model's task, so
   * no capabilities are reported for it; llama.cpp reports both (see llamacpp/models.ts).
   */
  async listModels(signal: AbortSignal): Promise<DiscoveredModel[]> {
    if (this.llamacpp) return this.llamacpp.listModels(signal);
    const body = (await this.http.getJson(`${this.baseUrl}/models`, signal)) as {
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
    if (req.native?.protocol === 'openai-responses' && this.nativeResponses) return this.forwardNative(req);
    if (req.endpoint === 'audio.transcriptions') return this.transcribe(req);
    const openAIPath = PATHS[req.endpoint];
    if (openAIPath) return this.forwardJson(this.baseUrl + openAIPath, req);
    const rootPath = ROOT_PATHS[req.endpoint];
    if (rootPath && this.preset.extraEndpoints === 'passthrough')
      return this.forwardJson(this.root + rootPath, req);
    if (this.llamacpp) return this.llamacpp.handle(req);
    throw unsupportedEndpoint(this.type, req.endpoint);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Sends the client's JSON (model swapped only when it differs) and returns the answer's bytes. */
  private async forwardJson(url: string, req: ProviderRequest): Promise<ProviderResponse> {
    const body =
      req.rawBody && req.body.model === req.model
        ? req.rawBody
        : JSON.stringify({ ...req.body, model: req.model });
    return bytes(await this.http.postBytes(url, body, req));
  }

  /**
   * Passes a Responses API request through to `{base_url}{path}` (model swapped only when it differs); the
   * answer's bytes are marked as that protocol's.
   */
  private async forwardNative(req: ProviderRequest): Promise<ProviderResponse> {
    const native = req.native!;
    const body =
      native.rawBody && native.body.model === req.model
        ? native.rawBody
        : JSON.stringify({ ...native.body, model: req.model });
    return bytes(await this.http.postBytes(this.baseUrl + native.path, body, req), native.protocol);
  }

  /**
   * Streams the client's multipart body to `{base_url}/audio/transcriptions` with its content type (boundary)
   * and length, unchanged but for the `model` field's value when the deployment renames the model (then
   * without `Content-Length`, as the length changes).
   * @throws GatewayError 400 when the request is not multipart
   */
  private async transcribe(req: ProviderRequest): Promise<ProviderResponse> {
    const upload = req.upload;
    if (!upload) throw unsupportedEndpoint(this.type, req.endpoint);
    const boundary = multipartBoundary(upload.contentType);
    const renamed = req.model !== req.clientModel && boundary !== undefined;
    const body = renamed
      ? renameMultipartModel(upload.stream, boundary, req.clientModel, req.model)
      : upload.stream;
    const extra: Record<string, string> =
      renamed || upload.contentLength === undefined ? {} : { 'content-length': String(upload.contentLength) };
    try {
      return bytes(
        await this.http.post(`${this.baseUrl}/audio/transcriptions`, body, upload.contentType, req, extra),
      );
    } catch (err) {
      throw finalForUpload(err, upload.stream);
    }
  }
}

/** An upstream answer as `bytes`, marked as `protocol`'s when it answers a native request. */
function bytes(res: UpstreamResponse | UpstreamCallResponse, protocol?: NativeProtocol): ProviderResponse {
  const contentType = res.headers['content-type'];
  return {
    kind: 'bytes',
    status: res.statusCode,
    contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? 'application/json',
    body: res.body,
    ...(protocol ? { protocol } : {}),
  };
}

/** Registers every OpenAI-compatible preset type with the config loader. */
export const openAICompatibleDefinition: ProviderDefinition<OpenAICompatibleConfig> = {
  types: Object.keys(OPENAI_COMPATIBLE_PRESETS),
  schema: OpenAICompatibleConfigSchema,
  create: (id, config) => new OpenAICompatibleProvider(id, config),
};
