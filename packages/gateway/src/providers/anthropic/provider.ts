import type { ProviderDefinition } from '../definition.js';
import { type JsonUpstream, jsonUpstreamFor } from '../json-upstream.js';
import type {
  DiscoveredModel,
  NativeRequest,
  Provider,
  ProviderRequest,
  ProviderResponse,
} from '../provider.js';
import { serveChatEndpoints } from '../translated-chat.js';
import { ANTHROPIC_CAPABILITIES, ANTHROPIC_UNSUPPORTED } from './capabilities.js';
import { type AnthropicConfig, AnthropicConfigSchema } from './config.js';
import { anthropicStatusError } from './errors.js';
import { toAnthropicRequest } from './request.js';
import { fromAnthropicMessage } from './response.js';
import { anthropicChunks } from './stream.js';

/** Pages of `GET /models` read at most during discovery (1,000 models at the page size below). */
const MAX_MODEL_PAGES = 10;
/** Anthropic's largest `limit` for `GET /v1/models`. */
const MODEL_PAGE_SIZE = 100;

/**
 * `type: anthropic`: OpenAI chat completions (and emulated legacy completions) translated to Anthropic's
 * Messages API (Anthropic API reference, Messages: https://docs.anthropic.com/en/api/messages). Sends `x-api-key` and
 * `anthropic-version`; a request that came in on `/v1/messages` or `/v1/messages/count_tokens` is forwarded
 * as is (passthrough, no double translation); discovery reads `GET /v1/models` (docs.anthropic.com/en/api/models-list:
 * `{data:[{id, created_at, display_name}], has_more, last_id}`) and is off unless `discover: true`.
 */
export class AnthropicProvider implements Provider {
  readonly type = 'anthropic';
  readonly discover: boolean;
  private readonly upstream: JsonUpstream;

  constructor(
    readonly id: string,
    private readonly config: AnthropicConfig,
  ) {
    this.discover = config.discover ?? false;
    const headers: Record<string, string> = {
      ...config.headers,
      'anthropic-version': config.anthropic_version,
    };
    if (config.api_key) headers['x-api-key'] = config.api_key;
    this.upstream = jsonUpstreamFor(id, config, headers, anthropicStatusError);
  }

  async listModels(signal: AbortSignal): Promise<DiscoveredModel[]> {
    const models: DiscoveredModel[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const query = `limit=${MODEL_PAGE_SIZE}${after ? `&after_id=${encodeURIComponent(after)}` : ''}`;
      const body = (await this.upstream.getJson(`/models?${query}`, signal)) as {
        data?: { id?: unknown; created_at?: unknown }[];
        has_more?: unknown;
        last_id?: unknown;
      };
      for (const m of body.data ?? []) {
        if (typeof m.id !== 'string') continue;
        const created = typeof m.created_at === 'string' ? Date.parse(m.created_at) : Number.NaN;
        models.push({
          id: m.id,
          capabilities: ['chat', 'completion'],
          ...(Number.isNaN(created) ? {} : { created: Math.floor(created / 1000) }),
        });
      }
      if (body.has_more !== true || typeof body.last_id !== 'string') break;
      after = body.last_id;
    }
    return models;
  }

  handle(req: ProviderRequest): Promise<ProviderResponse> {
    if (req.native?.protocol === 'anthropic') return this.forward(req, req.native);
    const drop = req.options.drop_unsupported_params === true;
    const defaultMaxTokens = req.options.default_max_tokens ?? this.config.default_max_tokens;
    return serveChatEndpoints(req, drop, {
      capabilities: ANTHROPIC_CAPABILITIES,
      tokenPromptEntry: ANTHROPIC_UNSUPPORTED.tokenPrompt,
      nativeN: false,
      upstream: this.upstream,
      send: (body, signal, policy) => {
        const request = toAnthropicRequest(body, req.model, defaultMaxTokens, policy);
        return this.upstream.post('/messages', request, { ...req, signal });
      },
      completion: (json, created) => fromAnthropicMessage(json, req.clientModel, created),
      chunks: anthropicChunks,
    });
  }

  /**
   * Passthrough of a client's Anthropic request (`/v1/messages`, `/v1/messages/count_tokens`): its body as
   * is (its own bytes when the model name is unchanged, else re-serialized with the deployment's model)
   * and its `anthropic-beta` header; the upstream's status, content type and bytes come back unread.
   * @throws UpstreamError for transport failures and non-2xx answers (Anthropic's error type kept)
   */
  private async forward(req: ProviderRequest, native: NativeRequest): Promise<ProviderResponse> {
    const body =
      native.body.model === req.model && native.rawBody
        ? native.rawBody
        : JSON.stringify({ ...native.body, model: req.model });
    const res = await this.upstream.postBytes(native.path, body, native.headers, {
      ...req,
      signal: req.abort.signal,
    });
    const contentType = res.headers['content-type'];
    return {
      kind: 'bytes',
      status: res.statusCode,
      contentType: typeof contentType === 'string' ? contentType : 'application/json',
      body: res.body,
      protocol: 'anthropic',
    };
  }

  async close(): Promise<void> {
    await this.upstream.close();
  }
}

/** Registers `type: anthropic` with the config loader. */
export const anthropicDefinition: ProviderDefinition<AnthropicConfig> = {
  types: ['anthropic'],
  schema: AnthropicConfigSchema,
  create: (id, config) => new AnthropicProvider(id, config),
};
