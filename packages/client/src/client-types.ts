/**
 * The public shape of `OpenAICompatibleClient<P>`: the common members on every platform, and each platform-specific
 * member only on the platforms that serve it (table in `platforms/support.ts`), so that calling `models.pull` on a
 * `vllm` client is a compile error rather than a run-time one.
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
import type { APIPromise, OpenAI } from 'openai';
import type { Transcription } from 'openai/resources/audio/transcriptions';
import type { ChatCompletionsAPI, CompletionsAPI, EmbeddingsAPI, ModelsAPI } from './api-types.js';
import type { ClientConfig, ClientConfigInput } from './config.js';
import type { FileSource } from './file-source.js';
import type { HealthProvidersResponse } from './health-providers.js';
import type { Platform } from './platforms/names.js';
import type { ServedPart } from './platforms/support.js';
import type { ProgressStream } from './progress-stream.js';
import type { ClientRequestOptions } from './request-options.js';
import type { TranscriptionParams } from './transcription-params.js';
import type { VersionResponse } from './version-probe.js';
import type { PoolingParams, TokenizeParams } from './vllm/chat-input.js';

/** `rerank.create` options: `version: 'v2'` posts to `/v2/rerank` (default `v1`: `/rerank`). */
export interface RerankRequestOptions extends ClientRequestOptions {
  version?: 'v1' | 'v2';
}

/** Ollama's model management (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md). */
export interface OllamaModelsAPI {
  /** Creates a model from blobs or another model (`/api/create`); progress stream. */
  create(body: OllamaCreateParams, options?: ClientRequestOptions): ProgressStream;
  /** `/api/show`: Modelfile, parameters, template, details, capabilities. */
  info(body: OllamaShowParams, options?: ClientRequestOptions): APIPromise<OllamaShowResponse>;
  /** `/api/copy`. Rejects with `NotFoundError` when the source is missing. */
  copy(body: OllamaCopyParams, options?: ClientRequestOptions): Promise<void>;
  /** `/api/delete`. Rejects with `ModelNotFoundError` when absent. */
  delete(model: string, options?: ClientRequestOptions): Promise<void>;
  /** Downloads a model (`/api/pull`); progress stream. */
  pull(body: OllamaPullParams, options?: ClientRequestOptions): ProgressStream;
  /** Uploads a model to a registry (`/api/push`); progress stream. */
  push(body: OllamaPushParams, options?: ClientRequestOptions): ProgressStream;
  /** Models loaded in memory (`/api/ps`). */
  running(options?: ClientRequestOptions): APIPromise<{ models: OllamaRunningModel[] }>;
}

/** Ollama's deprecated single-vector embeddings route. */
export interface OllamaLegacyEmbeddingsAPI {
  /**
   * `/api/embeddings` (one unnormalised vector, Ollama API docs, Generate Embedding:
   * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embedding).
   */
  legacy(
    body: OllamaLegacyEmbeddingParams,
    options?: ClientRequestOptions,
  ): APIPromise<OllamaLegacyEmbeddingResponse>;
}

/** Ollama blobs (`/api/blobs/:digest`), the files `models.create` refers to by digest. */
export interface BlobsAPI {
  /** True when the server has the blob `sha256:<hex>` (`HEAD`), false on 404. */
  check(digest: string, options?: ClientRequestOptions): Promise<boolean>;
  /**
   * Uploads a file after computing its sha256 client-side; resolves with the digest `sha256:<hex>` to use in
   * `models.create({files})`. Rejects with `BadRequestError` on a digest mismatch.
   */
  push(file: FileSource, options?: ClientRequestOptions): Promise<string>;
}

/**
 * vLLM tokenizer (`/tokenize`, `/detokenize`, vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api).
 */
export interface TokenizerAPI {
  /** Tokens of a prompt, or of chat `messages` after the chat template. */
  encode(body: TokenizeParams, options?: ClientRequestOptions): APIPromise<TokenizeResponse>;
  /** Text of token ids. */
  decode(body: DetokenizeParams, options?: ClientRequestOptions): APIPromise<DetokenizeResponse>;
}

/** A `create` method of one vLLM route. */
export interface CreateAPI<Body, Response, Options = ClientRequestOptions> {
  create(body: Body, options?: Options): APIPromise<Response>;
}

/** The members only some platforms serve (see `PLATFORM_SUPPORT`). */
export interface PlatformMembers {
  /** Ollama blobs. */
  readonly blobs: BlobsAPI;
  /** vLLM tokenizer; vLLM and Switchyard. */
  readonly tokenizer: TokenizerAPI;
  /**
   * vLLM `/pooling` (vLLM docs, Pooling API:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#pooling-api): raw pooler output.
   */
  readonly pooling: CreateAPI<PoolingParams, PoolingResponse>;
  /**
   * vLLM `/classify` (vLLM docs, Classification API:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#classification-api).
   */
  readonly classification: CreateAPI<ClassificationParams, ClassificationResponse>;
  /** vLLM `/score` (vLLM docs, Score API: https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#score-api). */
  readonly score: CreateAPI<ScoreParams, ScoreResponse>;
  /**
   * vLLM rerank (vLLM docs, Re-rank API: https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api):
   * `/rerank`, or `/v2/rerank` with `{version: 'v2'}`; results sorted best first.
   */
  readonly rerank: CreateAPI<RerankParams, RerankResponse, RerankRequestOptions>;
  /** Audio transcriptions (multipart `/v1/audio/transcriptions`). */
  readonly audio: {
    transcriptions: {
      /** Transcribes `file`; `text`/`srt`/`vtt` formats resolve to a string. */
      create(body: TranscriptionParams, options?: ClientRequestOptions): Promise<Transcription | string>;
    };
  };
  /** The server's version (vLLM and Switchyard `/version`, Ollama `/api/version`). */
  version(options?: ClientRequestOptions): APIPromise<VersionResponse>;
  /** True when the server reports healthy (vLLM/Switchyard `/health`, Ollama `/`), false on 5xx; no retries. */
  health(options?: ClientRequestOptions): Promise<boolean>;
  /** Switchyard `GET /health/providers`: each provider's reachability and routing state. */
  healthProviders(options?: ClientRequestOptions): APIPromise<HealthProvidersResponse>;
}

/** Options that are not configuration data. */
export interface ClientExtras {
  /** Receives the warnings of `unsupportedParams: 'warn'`; default `console`. */
  logger?: { warn(message: string): void };
}

/** The members every platform has. */
export interface CommonMembers<P extends Platform> {
  /** The validated configuration. */
  readonly config: ClientConfig;
  readonly platform: P;
  /**
   * The plain `openai` SDK client for this server's OpenAI-compatible routes (Ollama: its `/v1` layer), sharing
   * this client's connection pool and closed with it, for endpoints this library does not wrap.
   */
  readonly openai: OpenAI;
  /** Closes the connection pool; later calls reject with `ClientClosedError`. */
  close(): Promise<void>;
  /**
   * A new client with this one's configuration and `overrides` merged over it (like the SDK's `withOptions`); it
   * has its own connection pool, closed separately.
   */
  withOptions(overrides: Partial<Omit<ClientConfigInput, 'platform'>>): OpenAICompatibleClient<P>;
  /** Chat completions (`/v1/chat/completions`; Ollama `/api/chat`). */
  readonly chat: { completions: ChatCompletionsAPI<P> };
  /**
   * The SDK's Responses API (`/v1/responses`, OpenAI API reference, Responses:
   * https://platform.openai.com/docs/api-reference/responses) on the server's OpenAI-compatible base, passed through
   * unchanged (Switchyard serves it for every deployment; a server without the route answers `NotFoundError`).
   */
  readonly responses: OpenAI['responses'];
  /** Legacy completions (`/v1/completions`; Ollama `/api/generate`). */
  readonly completions: CompletionsAPI<P>;
  /** Embeddings (`/v1/embeddings`; Ollama `/api/embed`, and `legacy` for `/api/embeddings`). */
  readonly embeddings: EmbeddingsAPI<P> & ServedPart<P, OllamaLegacyEmbeddingsAPI, 'embeddings.'>;
  /** Models; the management methods are Ollama only. */
  readonly models: ModelsAPI<P> & ServedPart<P, OllamaModelsAPI, 'models.'>;
}

/**
 * A client of platform `P`: its type has exactly the members `P` serves. With a union (`Platform`, e.g. from
 * `fromEnv()`), only the members all of them serve; narrow with `client.platform === 'ollama'`… after a cast, or
 * construct with a literal `platform`.
 */
export type OpenAICompatibleClient<P extends Platform = Platform> = CommonMembers<P> &
  ServedPart<P, PlatformMembers>;
