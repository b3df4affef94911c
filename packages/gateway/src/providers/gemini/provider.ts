import type { ProviderDefinition } from '../definition.js';
import { type JsonUpstream, jsonUpstreamFor } from '../json-upstream.js';
import { ParamPolicy } from '../param-policy.js';
import type {
  Capability,
  DiscoveredModel,
  Provider,
  ProviderRequest,
  ProviderResponse,
} from '../provider.js';
import { serveChatEndpoints } from '../translated-chat.js';
import { GEMINI_CAPABILITIES, GEMINI_UNSUPPORTED } from './capabilities.js';
import { type GeminiConfig, GeminiConfigSchema } from './config.js';
import { fromEmbedResponse, toEmbedCall } from './embeddings.js';
import { geminiStatusError } from './errors.js';
import { toGeminiRequest } from './request.js';
import { fromGeminiResponse } from './response.js';
import { geminiChunks } from './stream.js';
import { ThoughtSignatures } from './thought-signatures.js';

/** Pages of `GET /models` read at most during discovery. */
const MAX_MODEL_PAGES = 10;
/** `pageSize` asked for when listing models (the API caps it at 1,000). */
const MODEL_PAGE_SIZE = 1000;

/**
 * `type: gemini`: OpenAI chat completions, emulated legacy completions and embeddings translated to the
 * Gemini API (Gemini API reference, Generating content: https://ai.google.dev/api/generate-content):
 * `:generateContent`, `:streamGenerateContent?alt=sse`, `:embedContent`, `:batchEmbedContents`, with
 * `x-goog-api-key`. Discovery (off unless `discover: true`) reads `GET /models`
 * (`{models:[{name:"models/…", supportedGenerationMethods, inputTokenLimit}], nextPageToken}`).
 */
export class GeminiProvider implements Provider {
  readonly type = 'gemini';
  readonly discover: boolean;
  private readonly upstream: JsonUpstream;
  private readonly signatures = new ThoughtSignatures();

  constructor(
    readonly id: string,
    config: GeminiConfig,
  ) {
    this.discover = config.discover ?? false;
    const headers: Record<string, string> = { ...config.headers };
    if (config.api_key) headers['x-goog-api-key'] = config.api_key;
    this.upstream = jsonUpstreamFor(id, config, headers, geminiStatusError);
  }

  async listModels(signal: AbortSignal): Promise<DiscoveredModel[]> {
    const models: DiscoveredModel[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const query = `pageSize=${MODEL_PAGE_SIZE}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
      const body = (await this.upstream.getJson(`/models?${query}`, signal)) as {
        models?: { name?: unknown; supportedGenerationMethods?: unknown; inputTokenLimit?: unknown }[];
        nextPageToken?: unknown;
      };
      for (const m of body.models ?? []) {
        if (typeof m.name !== 'string') continue;
        const methods = Array.isArray(m.supportedGenerationMethods) ? m.supportedGenerationMethods : [];
        const capabilities: Capability[] = [];
        if (methods.includes('generateContent')) capabilities.push('chat', 'completion');
        if (methods.includes('embedContent')) capabilities.push('embedding');
        models.push({
          id: m.name.replace(/^models\//, ''),
          capabilities,
          ...(typeof m.inputTokenLimit === 'number' ? { maxModelLen: m.inputTokenLimit } : {}),
        });
      }
      if (typeof body.nextPageToken !== 'string' || body.nextPageToken === '') break;
      token = body.nextPageToken;
    }
    return models;
  }

  async handle(req: ProviderRequest): Promise<ProviderResponse> {
    const drop = req.options.drop_unsupported_params === true;
    if (req.endpoint === 'embeddings') {
      return this.embed(req, new ParamPolicy(GEMINI_CAPABILITIES, 'embeddings', drop));
    }
    return serveChatEndpoints(req, drop, {
      capabilities: GEMINI_CAPABILITIES,
      tokenPromptEntry: GEMINI_UNSUPPORTED.tokenPrompt,
      nativeN: true,
      upstream: this.upstream,
      send: (body, signal, policy) => {
        const method = body.stream === true ? 'streamGenerateContent?alt=sse' : 'generateContent';
        const request = toGeminiRequest(body, policy, this.signatures);
        return this.upstream.post(`${modelPath(req.model)}:${method}`, request, { ...req, signal });
      },
      completion: (json, created) => fromGeminiResponse(json, req.clientModel, created, this.signatures),
      chunks: (events, options) => geminiChunks(events, { ...options, signatures: this.signatures }),
    });
  }

  private async embed(req: ProviderRequest, policy: ParamPolicy): Promise<ProviderResponse> {
    const call = toEmbedCall(policy.screen(req.body), bareModel(req.model), policy);
    const res = await this.upstream.post(`${modelPath(req.model)}:${call.method}`, call.body, {
      ...req,
      signal: req.abort.signal,
    });
    const body = fromEmbedResponse(await res.body.json(), call, req.clientModel);
    return { kind: 'json', status: 200, body, headers: policy.headers() };
  }

  async close(): Promise<void> {
    await this.upstream.close();
  }
}

/**
 * `gemini-2.5-flash` and `models/gemini-2.5-flash` both name a model (Gemini API versions:
 * https://ai.google.dev/gemini-api/docs/api-versions).
 */
function bareModel(model: string): string {
  return model.replace(/^models\//, '');
}

function modelPath(model: string): string {
  return `/models/${encodeURIComponent(bareModel(model))}`;
}

/** Registers `type: gemini` with the config loader. */
export const geminiDefinition: ProviderDefinition<GeminiConfig> = {
  types: ['gemini'],
  schema: GeminiConfigSchema,
  create: (id, config) => new GeminiProvider(id, config),
};
