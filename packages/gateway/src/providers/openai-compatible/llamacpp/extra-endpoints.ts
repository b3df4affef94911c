import {
  type DiscoveredModel,
  type ProviderRequest,
  type ProviderResponse,
  unsupportedEndpoint,
} from '../../provider.js';
import type { UpstreamHttp } from '../upstream-http.js';
import { detokenizeOnLlamaCpp } from './detokenize.js';
import { llamaCppModels, propsContextLength } from './models.js';
import { poolingOnLlamaCpp } from './pooling.js';
import { rerankOnLlamaCpp } from './rerank.js';
import { scoreOnLlamaCpp } from './score.js';
import type { LlamaCppServer } from './server.js';
import { tokenizeOnLlamaCpp } from './tokenize.js';

/**
 * vLLM's extra endpoints served by a llama.cpp `llama-server`, translated both ways so clients always see
 * vLLM's shapes (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html): `tokenize`, `detokenize`, `pooling` (via
 * `/v1/embeddings`), `rerank` and `score` (via `/rerank`). `classify` has no llama.cpp equivalent and answers 400.
 * Also discovers models with capabilities and context size (see models.ts).
 */
export class LlamaCppExtraEndpoints implements LlamaCppServer {
  /** Tokens per sequence from `/props`, once known. */
  private contextTokens: number | undefined;

  /**
   * @param baseUrl the provider's `base_url` (OpenAI routes, e.g. `http://host:8080/v1`)
   * @param root the server root (native routes, e.g. `http://host:8080`)
   */
  constructor(
    readonly providerId: string,
    private readonly http: UpstreamHttp,
    private readonly baseUrl: string,
    private readonly root: string,
  ) {}

  post(path: string, body: unknown, req: ProviderRequest): Promise<unknown> {
    return this.http.postJson(this.root + path, body, req);
  }

  postOpenAI(path: string, body: unknown, req: ProviderRequest): Promise<unknown> {
    return this.http.postJson(this.baseUrl + path, body, req);
  }

  async contextLength(signal: AbortSignal): Promise<number | undefined> {
    this.contextTokens ??= await this.fetchContextLength(signal);
    return this.contextTokens;
  }

  /** `GET {base_url}/models` plus `GET /props` (refreshing the cached context size). */
  async listModels(signal: AbortSignal): Promise<DiscoveredModel[]> {
    const [answer, context] = await Promise.all([
      this.http.getJson(`${this.baseUrl}/models`, signal),
      this.fetchContextLength(signal),
    ]);
    if (context !== undefined) this.contextTokens = context;
    return llamaCppModels(answer, context);
  }

  /** @throws GatewayError 400 (`unsupported_endpoint`) for `classify` and any non-extra endpoint */
  async handle(req: ProviderRequest): Promise<ProviderResponse> {
    switch (req.endpoint) {
      case 'tokenize':
        return ok(await tokenizeOnLlamaCpp(req, this));
      case 'detokenize':
        return ok(await detokenizeOnLlamaCpp(req, this));
      case 'pooling':
        return ok(await poolingOnLlamaCpp(req, this));
      case 'rerank':
        return ok(await rerankOnLlamaCpp(req, this));
      case 'score':
        return ok(await scoreOnLlamaCpp(req, this));
      default:
        throw unsupportedEndpoint('llamacpp', req.endpoint);
    }
  }

  /** `/props` is optional metadata: an unreachable or odd answer leaves the size unknown. */
  private async fetchContextLength(signal: AbortSignal): Promise<number | undefined> {
    try {
      return propsContextLength(await this.http.getJson(`${this.root}/props`, signal));
    } catch (err) {
      if (signal.aborted) throw err;
      return undefined;
    }
  }
}

function ok(body: unknown): ProviderResponse {
  return { kind: 'json', status: 200, body };
}
