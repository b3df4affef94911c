import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { GatewayError, UpstreamError } from '../../core/errors.js';
import type { ModelFacts } from '../../core/model-facts.js';
import type { ProviderDefinition } from '../definition.js';
import type { ModelStore } from '../model-store.js';
import { ParamPolicy } from '../param-policy.js';
import {
  type Capability,
  type DiscoveredModel,
  type Endpoint,
  type Provider,
  type ProviderContext,
  type ProviderRequest,
  type ProviderResponse,
  unsupportedEndpoint,
} from '../provider.js';
import { EMBEDDED_CAPABILITIES } from './capabilities.js';
import { chatCompletion } from './chat.js';
import { textCompletion } from './completion.js';
import { type EmbeddedConfig, EmbeddedConfigSchema } from './config.js';
import { notACrossEncoder } from './cross-encoding.js';
import { createEmbeddings } from './embeddings.js';
import { ModelEngine } from './engine.js';
import { readModelFacts } from './model-facts.js';
import { type ModelFile, readModelFileInfo, resolveModelFiles } from './model-files.js';
import { EmbeddedModelStore } from './model-store.js';
import { poolingRequest } from './pooling.js';
import { llamaRuntime } from './runtime.js';
import { detokenizeRequest, tokenizeRequest } from './tokenize.js';

/** What every embedded model can do. */
const CAPABILITIES: Capability[] = ['chat', 'completion', 'embedding', 'tokenize'];

/** Endpoints answered by a loaded model. */
const SERVED: ReadonlySet<Endpoint> = new Set<Endpoint>([
  'chat.completions',
  'completions',
  'embeddings',
  'tokenize',
  'detokenize',
  'pooling',
]);

/** Endpoints whose request fields are screened against the capability data (capabilities.ts). */
const SCREENED: ReadonlySet<Endpoint> = new Set<Endpoint>(['chat.completions', 'completions', 'embeddings']);

/** Endpoints that need a reranker or classifier model, which the embedded engine does not run. */
const CROSS_ENCODER_ENDPOINTS: ReadonlySet<Endpoint> = new Set<Endpoint>(['rerank', 'score', 'classify']);

/**
 * GGUF models run in-process by node-llama-cpp (`type: embedded`). The llama runtime is loaded once per
 * process; each model's weights load on its first request and stay cached until {@link close}.
 * `listModels` only reads the directory and GGUF headers, never weights.
 */
export class EmbeddedProvider implements Provider {
  readonly type = 'embedded';
  readonly discover: boolean;
  /** Counts the prompt with the model's tokenizer and clamps `max_tokens` to the room left (chat.ts). */
  readonly clampsMaxTokens = true;
  /** The writable `models_dir` (pull, delete, copy, create), when one is configured. */
  readonly modelStore?: ModelStore;
  private readonly engines = new Map<string, Promise<ModelEngine>>();
  private closed = false;

  constructor(
    readonly id: string,
    private readonly config: EmbeddedConfig,
    private readonly configDir: string,
    private readonly logger: Logger,
  ) {
    this.discover = config.discover ?? true;
    if (config.models_dir) {
      this.modelStore = new EmbeddedModelStore(resolve(configDir, config.models_dir), config.pull_registry, {
        unload: (id) => this.unload(id),
        modelPath: async (id) =>
          (await resolveModelFiles(this.config, this.configDir)).find((f) => f.id === id)?.path,
        configured: (id) => this.config.models.some((m) => m.id === id),
      });
    }
  }

  /** Frees model `id`'s weights if they are loaded; its next request loads the file again. */
  async unload(id: string): Promise<void> {
    const engine = this.engines.get(id);
    if (!engine) return;
    this.engines.delete(id);
    await (await engine.catch(() => undefined))?.close();
  }

  /** Ids of the models whose weights are loaded (or loading) in this process. */
  get loadedModels(): string[] {
    return [...this.engines.keys()];
  }

  /**
   * Size, digest, GGUF metadata and chat template of model `id`'s file (model-facts.ts).
   * @throws GatewayError 404 when `id` is not a model of this provider; the file read error otherwise
   */
  async describeModel(id: string): Promise<ModelFacts> {
    const files = await resolveModelFiles(this.config, this.configDir);
    const file = files.find((f) => f.id === id);
    if (!file) throw modelNotFound(id, this.id, files);
    return readModelFacts(file);
  }

  /**
   * The models in `models_dir` and `models`, with `maxModelLen` = `context_size` or the GGUF's trained
   * context length.
   * @throws when `models_dir` or a configured file cannot be read
   */
  async listModels(signal: AbortSignal): Promise<DiscoveredModel[]> {
    const files = await resolveModelFiles(this.config, this.configDir);
    const out: DiscoveredModel[] = [];
    for (const file of files) {
      if (signal.aborted) throw signal.reason;
      const info = await readModelFileInfo(file.path);
      const maxModelLen = this.config.context_size ?? info.trainContextSize;
      out.push({
        id: file.id,
        capabilities: CAPABILITIES,
        created: info.modifiedAt,
        ...(maxModelLen !== undefined ? { maxModelLen } : {}),
      });
    }
    return out;
  }

  /**
   * Serves chat completions, completions, embeddings and vLLM's `/tokenize`, `/detokenize` and `/pooling`.
   * On the first three, fields the engine does not honour (capabilities.ts) are rejected, or dropped and
   * reported in `x-switchyard-dropped-params` when `drop_unsupported_params` is set on the model or the
   * provider. The engine's time (model load, tokenization, and for non-streamed answers the whole
   * generation) is recorded as upstream wait in `req.timing`.
   * @throws GatewayError 400 for `rerank` / `score` / `classify` (no reranker or classifier models), other
   *   endpoints, unsupported fields and invalid requests; 404 for an unknown model
   */
  async handle(req: ProviderRequest): Promise<ProviderResponse> {
    const endpoint = req.endpoint;
    if (CROSS_ENCODER_ENDPOINTS.has(endpoint)) throw notACrossEncoder(req.clientModel, endpoint);
    if (!SERVED.has(endpoint)) throw unsupportedEndpoint(this.type, endpoint);
    const drop = req.options.drop_unsupported_params === true;
    const policy = new ParamPolicy(EMBEDDED_CAPABILITIES, endpoint, drop);
    const screened = SCREENED.has(endpoint) ? { ...req, body: policy.screen(req.body) } : req;
    const started = performance.now();
    try {
      const engine = await this.engine(req.model);
      switch (endpoint) {
        case 'chat.completions':
          return { ...(await chatCompletion(engine, screened)), headers: policy.headers() };
        case 'completions':
          return { ...(await textCompletion(engine, screened, policy)), headers: policy.headers() };
        case 'embeddings':
          return { ...(await createEmbeddings(engine, screened, policy)), headers: policy.headers() };
        case 'tokenize':
          return tokenizeRequest(engine, req);
        case 'detokenize':
          return detokenizeRequest(engine, req);
        case 'pooling':
          return await poolingRequest(engine, req);
        default:
          throw unsupportedEndpoint(this.type, endpoint);
      }
    } finally {
      req.timing.waitMs += performance.now() - started;
    }
  }

  /**
   * The loaded model `id`, loading it on first use (concurrent first calls share one load; a failed load
   * is retried by the next call).
   * @throws GatewayError 404 naming the available ids when `id` is not a model of this provider;
   *   503 when the provider is closed; UpstreamError 502 when `models_dir` cannot be read; UpstreamError 500 (retryable on another deployment) when the file
   *   cannot be loaded
   */
  async engine(id: string): Promise<ModelEngine> {
    if (this.closed)
      throw new GatewayError(503, `provider '${this.id}' is shut down`, { code: 'provider_closed' });
    let engine = this.engines.get(id);
    if (!engine) {
      const files = await resolveModelFiles(this.config, this.configDir).catch((err: unknown) => {
        throw new UpstreamError(
          502,
          `provider '${this.id}' cannot list its models: ${(err as Error).message}`,
          { failure: 'connect' },
        );
      });
      const file = files.find((f) => f.id === id);
      if (!file) throw modelNotFound(id, this.id, files);
      engine = this.engines.get(id) ?? this.load(file);
      this.engines.set(id, engine);
    }
    return engine;
  }

  private async load(file: ModelFile): Promise<ModelEngine> {
    const started = performance.now();
    try {
      const llama = await llamaRuntime(this.logger);
      const engine = await ModelEngine.load(llama, file, {
        ...(this.config.context_size !== undefined ? { contextSize: this.config.context_size } : {}),
        parallel: this.config.parallel,
        threads: this.config.threads,
      });
      this.logger.info(
        {
          model: file.id,
          ms: Math.round(performance.now() - started),
          context: engine.contextSize,
        },
        'embedded model loaded',
      );
      return engine;
    } catch (err) {
      this.engines.delete(file.id);
      throw new UpstreamError(
        500,
        `cannot load model '${file.id}' from ${file.path}: ${(err as Error).message}`,
        {
          failure: 'status',
          code: 'model_load_failed',
          cause: err,
        },
      );
    }
  }

  /** Frees every loaded model; later requests get 503. */
  async close(): Promise<void> {
    this.closed = true;
    const engines = [...this.engines.values()];
    this.engines.clear();
    for (const engine of await Promise.allSettled(engines)) {
      if (engine.status === 'fulfilled') await engine.value.close();
    }
  }
}

/** Registers `type: embedded` with the config loader. */
export const embeddedDefinition: ProviderDefinition<EmbeddedConfig> = {
  types: ['embedded'],
  schema: EmbeddedConfigSchema,
  create: (id, config, context: ProviderContext) =>
    new EmbeddedProvider(id, config, context.configDir, context.logger),
};

function modelNotFound(id: string, providerId: string, files: readonly ModelFile[]): GatewayError {
  const known = files.map((f) => f.id).join(', ') || '(none)';
  return new GatewayError(404, `model '${id}' not found in provider '${providerId}' (available: ${known})`, {
    param: 'model',
    code: 'model_not_found',
  });
}
