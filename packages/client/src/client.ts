/**
 * `OpenAICompatibleClient`: one client for vLLM, Ollama, OpenAI and Switchyard. The common endpoints have the
 * `openai` SDK's behaviour and types on every platform; platform-specific endpoints throw
 * `UnsupportedPlatformError` elsewhere. Each client owns one keep-alive connection pool (`close()` frees it).
 */

import type {
  ClassificationParams,
  ClassificationResponse,
  DetokenizeParams,
  DetokenizeResponse,
  OllamaCopyParams,
  OllamaCreateParams,
  OllamaLegacyEmbeddingParams,
  OllamaLegacyEmbeddingResponse,
  OllamaPullParams,
  OllamaPushParams,
  OllamaRunningModel,
  OllamaShowParams,
  OllamaShowResponse,
  PoolingResponse,
  RerankParams,
  RerankResponse,
  ScoreParams,
  ScoreResponse,
  TokenizeResponse,
} from '@switchyard/wire';
import type { APIPromise } from 'openai';
import { type OpenAI, OpenAIError } from 'openai';
import type { Transcription } from 'openai/resources/audio/transcriptions';
import type { ChatCompletionsAPI, CompletionsAPI, EmbeddingsAPI, ModelsAPI } from './api-types.js';
import { type ClientConfig, type ClientConfigInput, ClientConfigSchema, configFromEnv } from './config.js';
import { UnsupportedPlatformError } from './errors.js';
import type { FileSource } from './file-source.js';
import type { Platform } from './platforms/names.js';
import type { JsonBody, PlatformHandler, TranscriptionParams } from './platforms/platform.js';
import { createPlatform } from './platforms/registry.js';
import type { ProgressStream } from './progress-stream.js';
import { type ClientRequestOptions, splitOptions } from './request-options.js';
import { ParamPolicy, type WarningLogger } from './unsupported-params.js';
import type { VersionResponse } from './version-probe.js';
import type { PoolingParams, TokenizeParams } from './vllm/chat-input.js';

/** Options that are not configuration data. */
export interface ClientExtras {
  /** Receives the warnings of `unsupportedParams: 'warn'`; default `console`. */
  logger?: WarningLogger;
}

/** `rerank.create` options: `version: 'v2'` posts to `/v2/rerank` (default `v1`: `/rerank`). */
export interface RerankRequestOptions extends ClientRequestOptions {
  version?: 'v1' | 'v2';
}

/**
 * An OpenAI-compatible client for one server.
 * @typeParam P the platform, inferred from `config.platform`; it selects the typed request fields
 * @example
 * const vllm = new OpenAICompatibleClient({ baseURL: 'http://localhost:8000/v1', platform: 'vllm' });
 * const r = await vllm.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], top_k: 50 });
 */
export class OpenAICompatibleClient<P extends Platform = Platform> {
  /** The validated configuration. */
  readonly config: ClientConfig;
  readonly platform: P;
  readonly #handler: PlatformHandler;
  #openai: OpenAI | undefined;

  /**
   * @param config validated with {@link ClientConfigSchema}
   * @throws {z.ZodError} for an invalid configuration; {TypeError} when a required `baseURL` is missing
   */
  constructor(config: ClientConfigInput & { platform: P }, extras: ClientExtras = {}) {
    this.config = ClientConfigSchema.parse(config);
    this.platform = config.platform;
    const logger = extras.logger ?? console;
    this.#handler = createPlatform({
      config: this.config,
      params: new ParamPolicy(this.platform, this.config.unsupportedParams, logger),
      logger,
    });
  }

  /** A client configured from environment variables (see `configFromEnv`). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, extras: ClientExtras = {}): OpenAICompatibleClient {
    return new OpenAICompatibleClient(configFromEnv(env), extras);
  }

  /**
   * The plain `openai` SDK client for this server's OpenAI-compatible routes (Ollama: its `/v1` layer), sharing
   * this client's connection pool, for endpoints this library does not wrap (e.g. `responses`).
   */
  get openai(): OpenAI {
    this.#openai ??= this.#handler.transport.at(this.#handler.openaiBaseURL);
    return this.#openai;
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.#handler.transport.close();
  }

  /** Chat completions (`/v1/chat/completions`; Ollama `/api/chat`). */
  readonly chat: { completions: ChatCompletionsAPI<P> } = {
    completions: {
      create: (body: JsonBody, options?: ClientRequestOptions) =>
        this.#call(body, options, (b, o) => this.#handler.chatCompletion(b, o)),
    } as unknown as ChatCompletionsAPI<P>,
  };

  /** Legacy completions (`/v1/completions`; Ollama `/api/generate`). */
  readonly completions: CompletionsAPI<P> = {
    create: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#call(body, options, (b, o) => this.#handler.completion(b, o)),
  } as unknown as CompletionsAPI<P>;

  /** Embeddings (`/v1/embeddings`; Ollama `/api/embed`, and `legacy` for `/api/embeddings`). */
  readonly embeddings: EmbeddingsAPI<P> & {
    /**
     * Ollama only: the deprecated `/api/embeddings` (one unnormalised vector, Ollama API docs, Generate Embedding:
     * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embedding).
     */
    legacy(
      body: OllamaLegacyEmbeddingParams,
      options?: ClientRequestOptions,
    ): APIPromise<OllamaLegacyEmbeddingResponse>;
  } = {
    create: (body, options) => this.#call(body as JsonBody, options, (b, o) => this.#handler.embedding(b, o)),
    legacy: (body, options) =>
      this.#call(body as unknown as JsonBody, options, (b, o) =>
        this.#ollama('embeddings.legacy').legacyEmbedding(b as never, o),
      ),
  };

  /**
   * Models; the management methods are Ollama only (Ollama API docs:
   * https://github.com/ollama/ollama/blob/main/docs/api.md).
   */
  readonly models: ModelsAPI<P> & {
    /** Creates a model from blobs or another model (`/api/create`); progress stream. */
    create(body: OllamaCreateParams, options?: ClientRequestOptions): ProgressStream;
    /** `/api/show`: Modelfile, parameters, template, details, capabilities. */
    info(body: OllamaShowParams, options?: ClientRequestOptions): APIPromise<OllamaShowResponse>;
    /** `/api/copy`. @throws {NotFoundError} when the source is missing */
    copy(body: OllamaCopyParams, options?: ClientRequestOptions): Promise<void>;
    /** `/api/delete`. @throws {ModelNotFoundError} when absent */
    delete(model: string, options?: ClientRequestOptions): Promise<void>;
    /** Downloads a model (`/api/pull`); progress stream. */
    pull(body: OllamaPullParams, options?: ClientRequestOptions): ProgressStream;
    /** Uploads a model to a registry (`/api/push`); progress stream. */
    push(body: OllamaPushParams, options?: ClientRequestOptions): ProgressStream;
    /** Models loaded in memory (`/api/ps`). */
    running(options?: ClientRequestOptions): APIPromise<{ models: OllamaRunningModel[] }>;
  } = {
    list: (options) => this.#handler.listModels(splitOptions(options).sdk) as never,
    retrieve: (model, options) => this.#handler.retrieveModel(model, splitOptions(options).sdk),
    create: (body, options) =>
      this.#ollama('models.create').create(this.#body(body, options), splitOptions(options).sdk),
    info: (body, options) =>
      this.#ollama('models.info').show(this.#body(body, options), splitOptions(options).sdk),
    copy: (body, options) =>
      this.#ollama('models.copy').copy(this.#body(body, options), splitOptions(options).sdk),
    delete: (model, options) => this.#ollama('models.delete').delete(model, splitOptions(options).sdk),
    pull: (body, options) =>
      this.#ollama('models.pull').pull(this.#body(body, options), splitOptions(options).sdk),
    push: (body, options) =>
      this.#ollama('models.push').push(this.#body(body, options), splitOptions(options).sdk),
    running: (options) => this.#ollama('models.running').running(splitOptions(options).sdk),
  };

  /** Ollama blobs (`/api/blobs/:digest`), the files `models.create` refers to by digest. */
  readonly blobs = {
    /** True when the server has the blob `sha256:<hex>` (`HEAD`), false on 404. */
    check: (digest: string, options?: ClientRequestOptions): Promise<boolean> =>
      this.#ollama('blobs.check').checkBlob(digest, splitOptions(options).sdk),
    /**
     * Uploads a file (path, bytes or stream) after computing its sha256 client-side; resolves with the digest
     * `sha256:<hex>` to use in `models.create({files})`. @throws {BadRequestError} on a digest mismatch
     */
    push: (file: FileSource, options?: ClientRequestOptions): Promise<string> =>
      this.#ollama('blobs.push').pushBlob(file, splitOptions(options).sdk),
  };

  /**
   * vLLM tokenizer (`/tokenize`, `/detokenize`, vLLM docs, Tokenizer API:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api); vLLM and Switchyard.
   */
  readonly tokenizer = {
    /** Tokens of a prompt, or of chat `messages` after the chat template. */
    encode: (body: TokenizeParams, options?: ClientRequestOptions): APIPromise<TokenizeResponse> =>
      this.#vllm('tokenizer.encode', body, options, (b, o) =>
        this.#vllmEndpoints('tokenizer.encode').tokenize(b, o),
      ),
    /** Text of token ids. */
    decode: (body: DetokenizeParams, options?: ClientRequestOptions): APIPromise<DetokenizeResponse> =>
      this.#vllm('tokenizer.decode', body, options, (b, o) =>
        this.#vllmEndpoints('tokenizer.decode').detokenize(b, o),
      ),
  };

  /**
   * vLLM `/pooling` (vLLM docs, Pooling API:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#pooling-api): raw pooler output.
   */
  readonly pooling = {
    create: (body: PoolingParams, options?: ClientRequestOptions): APIPromise<PoolingResponse> =>
      this.#vllm('pooling.create', body, options, (b, o) =>
        this.#vllmEndpoints('pooling.create').pooling(b, o),
      ),
  };

  /**
   * vLLM `/classify` (vLLM docs, Classification API:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#classification-api).
   */
  readonly classification = {
    create: (
      body: ClassificationParams,
      options?: ClientRequestOptions,
    ): APIPromise<ClassificationResponse> =>
      this.#vllm('classification.create', body, options, (b, o) =>
        this.#vllmEndpoints('classification.create').classify(b, o),
      ),
  };

  /**
   * vLLM `/score` (vLLM docs, Score API:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#score-api).
   */
  readonly score = {
    create: (body: ScoreParams, options?: ClientRequestOptions): APIPromise<ScoreResponse> =>
      this.#vllm('score.create', body, options, (b, o) => this.#vllmEndpoints('score.create').score(b, o)),
  };

  /**
   * vLLM rerank (vLLM docs, Re-rank API:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api): `/rerank`, or `/v2/rerank`
   * with `{version: 'v2'}`; results sorted best first.
   */
  readonly rerank = {
    create: (body: RerankParams, options?: RerankRequestOptions): APIPromise<RerankResponse> => {
      const { version = 'v1', ...rest }: RerankRequestOptions = options ?? {};
      return this.#vllm('rerank.create', body, rest, (b, o) =>
        this.#vllmEndpoints('rerank.create').rerank(b, version, o),
      );
    },
  };

  /** Audio transcriptions (multipart `/v1/audio/transcriptions`); vLLM, OpenAI and Switchyard. */
  readonly audio = {
    transcriptions: {
      /** Transcribes `file` (a path, Buffer or stream); `text`/`srt`/`vtt` formats resolve to a string. */
      create: (
        body: TranscriptionParams,
        options?: ClientRequestOptions,
      ): Promise<Transcription | string> => {
        const transcription = this.#handler.transcription;
        if (!transcription) throw new UnsupportedPlatformError('audio.transcriptions.create', this.platform);
        const { extraBody, sdk } = splitOptions(options);
        const model = body.model ?? this.config.model;
        return transcription({ ...body, ...(model ? { model } : {}), ...extraBody }, sdk) as Promise<
          Transcription | string
        >;
      },
    },
  };

  /** The server's version (vLLM `/version`, Ollama `/api/version`). */
  version(options?: ClientRequestOptions): APIPromise<VersionResponse> {
    if (!this.#handler.version) throw new UnsupportedPlatformError('version', this.platform);
    return this.#handler.version(splitOptions(options).sdk);
  }

  /** True when the server reports healthy (vLLM/Switchyard `/health`, Ollama `/`), false on 5xx; no retries. */
  health(options?: ClientRequestOptions): Promise<boolean> {
    if (!this.#handler.health) throw new UnsupportedPlatformError('health', this.platform);
    return this.#handler.health(splitOptions(options).sdk);
  }

  /** Fills the default model, merges `extraBody`, and sends. */
  #call<R>(
    body: JsonBody,
    options: ClientRequestOptions | undefined,
    send: (body: JsonBody, sdk: ReturnType<typeof splitOptions>['sdk']) => R,
  ): R {
    const { extraBody, sdk } = splitOptions(options);
    const model = body.model ?? this.config.model;
    if (model === undefined)
      throw new OpenAIError('model is required: pass it or set a default `model` in the config');
    return send({ ...body, model, ...extraBody }, sdk);
  }

  #body<B extends object>(body: B, options: ClientRequestOptions | undefined): B {
    const extra = options?.extraBody;
    return extra ? { ...body, ...extra } : body;
  }

  #ollama(method: string) {
    if (!this.#handler.ollama) throw new UnsupportedPlatformError(method, this.platform);
    return this.#handler.ollama;
  }

  #vllmEndpoints(method: string) {
    if (!this.#handler.vllm) throw new UnsupportedPlatformError(method, this.platform);
    return this.#handler.vllm;
  }

  #vllm<B extends object, R>(
    method: string,
    body: B,
    options: ClientRequestOptions | undefined,
    send: (body: B, sdk: ReturnType<typeof splitOptions>['sdk']) => R,
  ): R {
    this.#vllmEndpoints(method);
    const { extraBody, sdk } = splitOptions(options);
    const model = (body as { model?: string }).model ?? this.config.model;
    return send({ ...body, ...(model ? { model } : {}), ...extraBody }, sdk);
  }
}
