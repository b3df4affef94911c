import type { OllamaChatResponse, OllamaEmbedResponse, OllamaGenerateResponse } from '@switchyard/wire';
import type { Agent } from 'undici';
import { connectTimeoutMs, DEFAULT_TIMEOUTS } from '../../config/timeouts.js';
import { includeUsage } from '../../protocols/openai/chat-request.js';
import { applyUnsupportedParams, droppedParamsHeader } from '../../protocols/openai/unsupported-params.js';
import { upstreamAgent } from '../../upstream/agent.js';
import type { ProviderDefinition } from '../definition.js';
import type { ModelStore } from '../model-store.js';
import {
  type DiscoveredModel,
  type Provider,
  type ProviderRequest,
  type ProviderResponse,
  unsupportedEndpoint,
} from '../provider.js';
import { OLLAMA_ROUTES, type OllamaEndpoint, unsupportedFields } from './capabilities.js';
import { type OllamaConfig, OllamaConfigSchema } from './config.js';
import { OllamaDiscovery } from './discovery.js';
import { embeddingList } from './embeddings.js';
import { OllamaModelStore } from './model-store.js';
import { chatRequest, embedRequest, generateRequest, type OllamaRequestInput } from './request.js';
import { chatCompletion, textCompletion } from './response.js';
import { chatChunks, completionChunks } from './stream.js';
import { OllamaTransport } from './transport.js';
import { OllamaVersionGate } from './version.js';

/**
 * `type: ollama`: OpenAI requests translated to Ollama's native API (Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md) and its answers back to OpenAI shapes. Chat → `/api/chat`,
 * completions → `/api/generate`, embeddings → `/api/embed`; streams are NDJSON turned into OpenAI chunks; `/api/tags`
 * + `/api/show` drive discovery. Fields Ollama cannot honour (capabilities.ts) give a 400 naming the field, or are
 * dropped and listed in the `x-switchyard-dropped-params` header when `drop_unsupported_params` is set on the model
 * or provider. A request that came in as Ollama's own (`ProviderRequest.native`) is forwarded as it is.
 */
export class OllamaProvider implements Provider {
  readonly type = 'ollama';
  readonly discover: boolean;
  private readonly agent: Agent;
  private readonly transport: OllamaTransport;
  /** The Ollama server's own pull, delete, copy, blob and create routes. */
  readonly modelStore: ModelStore;
  private readonly discovery: OllamaDiscovery;
  private readonly versionGate: OllamaVersionGate;

  constructor(
    readonly id: string,
    config: OllamaConfig,
  ) {
    this.discover = config.discover ?? true;
    this.agent = upstreamAgent({
      maxConnections: config.max_connections,
      timeoutMs: config.timeout ?? DEFAULT_TIMEOUTS.total,
      connectTimeoutMs: connectTimeoutMs(config),
    });
    this.transport = new OllamaTransport(
      id,
      config.base_url.replace(/\/+$/, ''),
      { ...config.headers, 'content-type': 'application/json' },
      this.agent,
    );
    this.discovery = new OllamaDiscovery(this.transport);
    this.modelStore = new OllamaModelStore(this.transport);
    this.versionGate = new OllamaVersionGate(this.transport);
  }

  /** Models from `/api/tags`, with capabilities and context length from `/api/show`. */
  listModels(signal: AbortSignal): Promise<DiscoveredModel[]> {
    return this.discovery.list(signal);
  }

  async handle(req: ProviderRequest): Promise<ProviderResponse> {
    if (req.native?.protocol === 'ollama') return this.forwardNative(req);
    if (!(req.endpoint in OLLAMA_ROUTES)) throw unsupportedEndpoint(this.type, req.endpoint);
    const endpoint = req.endpoint as OllamaEndpoint;
    const unsupported = [
      ...unsupportedFields(endpoint, req.body),
      ...(await this.versionGate.unhonoured(endpoint, req.body, req.abort.signal)),
    ];
    const drop = req.options.drop_unsupported_params === true;
    const { body, dropped } = applyUnsupportedParams(req.body, unsupported, this.type, drop);
    const headers = dropped.length > 0 ? droppedParamsHeader(dropped) : undefined;
    const input: OllamaRequestInput = {
      body,
      model: req.model,
      stream: req.stream,
      defaults: req.options.params,
    };
    const call = {
      method: 'POST' as const,
      signal: req.abort.signal,
      requestId: req.requestId,
      ...(req.traceparent ? { traceparent: req.traceparent } : {}),
      timing: req.timing,
    };
    const streamOptions = { model: req.clientModel, includeUsage: includeUsage(body) };

    if (endpoint === 'embeddings') {
      const res = await this.transport.json<OllamaEmbedResponse>({
        ...call,
        path: OLLAMA_ROUTES.embeddings,
        body: embedRequest(input),
      });
      return json(embeddingList(res, body.encoding_format, req.clientModel), headers);
    }
    if (endpoint === 'completions') {
      const upstream = { ...call, path: OLLAMA_ROUTES.completions, body: generateRequest(input) };
      if (req.stream) {
        const lines = await this.transport.ndjson(upstream);
        return { kind: 'chunks', chunks: completionChunks(lines, streamOptions), ...withHeaders(headers) };
      }
      return json(
        textCompletion(await this.transport.json<OllamaGenerateResponse>(upstream), req.clientModel),
        headers,
      );
    }
    const upstream = { ...call, path: OLLAMA_ROUTES['chat.completions'], body: chatRequest(input) };
    if (req.stream) {
      const lines = await this.transport.ndjson(upstream);
      return { kind: 'chunks', chunks: chatChunks(lines, streamOptions), ...withHeaders(headers) };
    }
    return json(
      chatCompletion(await this.transport.json<OllamaChatResponse>(upstream), req.clientModel),
      headers,
    );
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /**
   * Passes a client's own Ollama request (the gateway's `/api/*` ingress) to the same route upstream, `model`
   * replaced by the deployment's, and returns Ollama's bytes as they come, marked as Ollama's protocol.
   */
  private async forwardNative(req: ProviderRequest): Promise<ProviderResponse> {
    const native = req.native!;
    const answer = await this.transport.bytes({
      method: 'POST',
      path: native.path,
      body: { ...native.body, model: req.model },
      signal: req.abort.signal,
      requestId: req.requestId,
      ...(req.traceparent ? { traceparent: req.traceparent } : {}),
      timing: req.timing,
    });
    return { kind: 'bytes', ...answer, protocol: 'ollama' };
  }
}

function json(body: unknown, headers: Record<string, string> | undefined): ProviderResponse {
  return { kind: 'json', status: 200, body, ...withHeaders(headers) };
}

function withHeaders(headers: Record<string, string> | undefined): { headers?: Record<string, string> } {
  return headers ? { headers } : {};
}

/** Registers `type: ollama` with the config loader. */
export const ollamaDefinition: ProviderDefinition<OllamaConfig> = {
  types: ['ollama'],
  schema: OllamaConfigSchema,
  create: (id, config) => new OllamaProvider(id, config),
};
