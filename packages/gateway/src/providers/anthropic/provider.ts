import { peekFirst } from '../../protocol/async-iterables.js';
import { includeUsage } from '../../protocol/chat-request.js';
import { unixSeconds } from '../../protocol/ids.js';
import { completionsOverChat } from '../completions-over-chat.js';
import type { ProviderDefinition } from '../definition.js';
import { type JsonUpstream, jsonUpstreamFor } from '../json-upstream.js';
import { ParamPolicy } from '../param-policy.js';
import {
  type DiscoveredModel,
  type Provider,
  type ProviderRequest,
  type ProviderResponse,
  unsupportedEndpoint,
} from '../provider.js';
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
 * Messages API (shared/api/anthropic-gemini.md §A). Sends `x-api-key` and `anthropic-version`; discovery
 * reads `GET /v1/models` (docs.anthropic.com/en/api/models-list: `{data:[{id, created_at, display_name}],
 * has_more, last_id}`) and is off unless `discover: true`.
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

  async handle(req: ProviderRequest): Promise<ProviderResponse> {
    const drop = req.options.drop_unsupported_params ?? this.config.drop_unsupported_params ?? false;
    if (req.endpoint === 'chat.completions') {
      const policy = new ParamPolicy(ANTHROPIC_CAPABILITIES, 'chat.completions', drop);
      return this.chat(policy.screen(req.body), req, req.signal, policy);
    }
    if (req.endpoint === 'completions') {
      return completionsOverChat(
        req.body,
        (chatBody, signal) => {
          const policy = new ParamPolicy(ANTHROPIC_CAPABILITIES, 'chat.completions', drop);
          return this.chat(policy.screen(chatBody), req, signal, policy);
        },
        {
          model: req.clientModel,
          nativeN: false,
          policy: new ParamPolicy(ANTHROPIC_CAPABILITIES, 'completions', drop),
          tokenPromptEntry: ANTHROPIC_UNSUPPORTED.tokenPrompt,
          signal: req.signal,
        },
      );
    }
    throw unsupportedEndpoint(this.type, req.endpoint);
  }

  /** One Messages call for an (already screened) OpenAI chat body. */
  private async chat(
    body: Record<string, unknown>,
    req: ProviderRequest,
    signal: AbortSignal,
    policy: ParamPolicy,
  ): Promise<ProviderResponse> {
    const defaultMaxTokens = req.options.default_max_tokens ?? this.config.default_max_tokens;
    const request = toAnthropicRequest(body, req.model, defaultMaxTokens, policy);
    const res = await this.upstream.post('/messages', request, { ...req, signal });
    const headers = policy.headers();
    const created = unixSeconds();
    if (!request.stream) {
      return {
        kind: 'json',
        status: 200,
        body: fromAnthropicMessage(await res.body.json(), req.clientModel, created),
        headers,
      };
    }
    const chunks = anthropicChunks(this.upstream.events(res, signal), {
      model: req.clientModel,
      includeUsage: includeUsage(body),
      created,
    });
    const { items } = await peekFirst(chunks);
    return { kind: 'chunks', chunks: items, headers };
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
