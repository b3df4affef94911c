/**
 * The contract between `OpenAICompatibleClient` and a platform. A platform file under `platforms/` exports a
 * factory `(context) => PlatformHandler`, registered in `registry.ts`. The common endpoints are required; an
 * optional group left out makes the client throw `UnsupportedPlatformError` for its methods.
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
import type { APIPromise, PagePromise } from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Completion } from 'openai/resources/completions';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import type { Model, ModelsPage } from 'openai/resources/models';
import type { Stream } from 'openai/streaming';
import type { ClientConfig } from '../config.js';
import type { FileSource } from '../file-source.js';
import type { HealthProvidersResponse } from '../health-providers.js';
import type { ProgressStream } from '../progress-stream.js';
import type { SdkRequestOptions } from '../request-options.js';
import type { TranscriptionParams } from '../transcription-params.js';
import type { Transport } from '../transport.js';
import type { ParamPolicy, WarningLogger } from '../unsupported-params.js';
import type { VersionResponse } from '../version-probe.js';
import type { PoolingParams, TokenizeParams } from '../vllm/chat-input.js';
import type { Platform } from './names.js';

/** A JSON request body after the client merged `extraBody` and the default model. */
export type JsonBody = Record<string, unknown>;

/** What a platform factory receives. */
export interface PlatformContext {
  config: ClientConfig;
  /** The `unsupportedParams` policy of this client. */
  params: ParamPolicy;
  logger: WarningLogger;
}

/**
 * vLLM's own routes (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html), served by vLLM and Switchyard.
 */
export interface VllmEndpoints {
  tokenize(body: TokenizeParams, options: SdkRequestOptions): APIPromise<TokenizeResponse>;
  detokenize(body: DetokenizeParams, options: SdkRequestOptions): APIPromise<DetokenizeResponse>;
  pooling(body: PoolingParams, options: SdkRequestOptions): APIPromise<PoolingResponse>;
  classify(body: ClassificationParams, options: SdkRequestOptions): APIPromise<ClassificationResponse>;
  score(body: ScoreParams, options: SdkRequestOptions): APIPromise<ScoreResponse>;
  /** `v1` posts to `/rerank`, `v2` to `/v2/rerank`. */
  rerank(body: RerankParams, version: 'v1' | 'v2', options: SdkRequestOptions): APIPromise<RerankResponse>;
}

/**
 * Ollama's model management and blob routes (Ollama API docs, Generate Embedding:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embedding; Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md).
 */
export interface OllamaEndpoints {
  create(body: OllamaCreateParams, options: SdkRequestOptions): ProgressStream;
  pull(body: OllamaPullParams, options: SdkRequestOptions): ProgressStream;
  push(body: OllamaPushParams, options: SdkRequestOptions): ProgressStream;
  show(body: OllamaShowParams, options: SdkRequestOptions): APIPromise<OllamaShowResponse>;
  copy(body: OllamaCopyParams, options: SdkRequestOptions): Promise<void>;
  delete(model: string, options: SdkRequestOptions): Promise<void>;
  running(options: SdkRequestOptions): APIPromise<{ models: OllamaRunningModel[] }>;
  checkBlob(digest: string, options: SdkRequestOptions): Promise<boolean>;
  pushBlob(source: FileSource, options: SdkRequestOptions): Promise<string>;
  legacyEmbedding(
    body: OllamaLegacyEmbeddingParams,
    options: SdkRequestOptions,
  ): APIPromise<OllamaLegacyEmbeddingResponse>;
}

/** One platform's implementation of the client's endpoints. */
export interface PlatformHandler {
  readonly name: Platform;
  /** The transport (and connection pool) of the client. */
  readonly transport: Transport;
  /** The server's OpenAI-compatible base URL, for `client.openai`. */
  readonly openaiBaseURL: string;
  chatCompletion(
    body: JsonBody,
    options: SdkRequestOptions,
  ): APIPromise<ChatCompletion> | APIPromise<Stream<ChatCompletionChunk>>;
  completion(
    body: JsonBody,
    options: SdkRequestOptions,
  ): APIPromise<Completion> | APIPromise<Stream<Completion>>;
  embedding(body: JsonBody, options: SdkRequestOptions): APIPromise<CreateEmbeddingResponse>;
  listModels(options: SdkRequestOptions): PagePromise<ModelsPage, Model>;
  retrieveModel(model: string, options: SdkRequestOptions): APIPromise<Model>;
  transcription?(body: TranscriptionParams, options: SdkRequestOptions): Promise<unknown>;
  version?(options: SdkRequestOptions): APIPromise<VersionResponse>;
  /** True when the server answers its health route with 2xx, false on 5xx. */
  health?(options: SdkRequestOptions): Promise<boolean>;
  /** Switchyard `GET /health/providers`. */
  healthProviders?(options: SdkRequestOptions): APIPromise<HealthProvidersResponse>;
  vllm?: VllmEndpoints;
  ollama?: OllamaEndpoints;
}
