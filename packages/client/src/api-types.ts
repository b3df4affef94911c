/**
 * The public method signatures of `OpenAICompatibleClient`, typed per platform: OpenAI request and response
 * types from the `openai` SDK, plus each platform's own request fields, with `model` optional when the client
 * has a default model.
 */

import type {
  OllamaMetrics,
  VllmChatInput,
  VllmChatParams,
  VllmCompletionParams,
  VllmEmbeddingParams,
} from '@switchyard/wire';
import type { APIPromise, PagePromise } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type {
  Completion,
  CompletionCreateParamsBase,
  CompletionCreateParamsNonStreaming,
  CompletionCreateParamsStreaming,
} from 'openai/resources/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { Model, ModelsPage } from 'openai/resources/models';
import type { Stream } from 'openai/streaming';
import type { OllamaModelsPage } from './ollama/models.js';
import type {
  OllamaCompletionParams,
  OllamaEmbeddingParams,
  OllamaGenerationParams,
  OllamaResultExtras,
} from './ollama/params.js';
import type { Platform } from './platforms/names.js';
import type { ClientRequestOptions } from './request-options.js';

/** No extra fields. */
type NoExtras = Record<never, never>;

/** Extra request fields each platform accepts, per endpoint. */
export interface PlatformParams {
  vllm: { chat: VllmChatParams; completion: VllmCompletionParams; embedding: VllmEmbeddingParams };
  ollama: {
    chat: OllamaGenerationParams;
    completion: OllamaCompletionParams;
    embedding: OllamaEmbeddingParams;
  };
  openai: { chat: NoExtras; completion: NoExtras; embedding: NoExtras };
  switchyard: { chat: VllmChatParams; completion: VllmCompletionParams; embedding: VllmEmbeddingParams };
}

type Extra<P extends Platform, K extends keyof PlatformParams[Platform]> = PlatformParams[P][K];

/** Fields each platform adds to results, per endpoint (Ollama: `context` and its timing metrics, ns). */
export interface PlatformResults {
  vllm: { chat: NoExtras; completion: NoExtras };
  ollama: { chat: OllamaMetrics; completion: OllamaResultExtras };
  openai: { chat: NoExtras; completion: NoExtras };
  switchyard: { chat: NoExtras; completion: NoExtras };
}

type Result<P extends Platform, K extends keyof PlatformResults[Platform]> = PlatformResults[P][K];

/**
 * A streamed response: the SDK's `Stream` (async iterable, `controller`, `tee()`, `toReadableStream()`) plus
 * `abort()`, which cancels the request and ends the iteration without an error, as `controller.abort()` does.
 */
export type AbortableStream<T> = Stream<T> & { abort(): void };

/**
 * vLLM's chat-style embedding request (`messages` instead of `input`, for multimodal embedding models such as
 * VLM2Vec; vLLM docs, Embeddings API, Chat Embeddings:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#embeddings-api). The client's
 * `vllm.chatTemplate` is sent as `chat_template` when the request has none.
 */
export type VllmChatEmbeddingParams = {
  model?: string;
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
} & VllmChatInput<ChatCompletionMessageParam, ChatCompletionTool> &
  VllmEmbeddingParams;

/** The chat-style embedding request each platform accepts (vLLM and Switchyard). */
export interface PlatformChatEmbeddings {
  vllm: VllmChatEmbeddingParams;
  ollama: never;
  openai: never;
  switchyard: VllmChatEmbeddingParams;
}

/** `T` with `model` optional (the client's default `model` fills it in). */
export type OptionalModel<T extends { model: unknown }> = Omit<T, 'model'> & { model?: T['model'] };

/** Chat request of platform `P`. */
export type ChatParams<P extends Platform> = OptionalModel<ChatCompletionCreateParamsBase> & Extra<P, 'chat'>;
/** Completion request of platform `P`. */
export type CompletionParams<P extends Platform> = OptionalModel<CompletionCreateParamsBase> &
  Extra<P, 'completion'>;
/** Embedding request of platform `P`. */
export type EmbeddingParams<P extends Platform> = OptionalModel<EmbeddingCreateParams> &
  Extra<P, 'embedding'>;

/** `client.chat.completions`. */
export interface ChatCompletionsAPI<P extends Platform> {
  /**
   * Creates a chat completion: a `ChatCompletion`, or with `stream: true` a `Stream` of `ChatCompletionChunk`s
   * (async iterable, parsed incrementally). Same behaviour as the SDK's method on every platform.
   * @throws {APIError} subclasses by status; {UnsupportedParamError} under `unsupportedParams: 'error'`
   */
  create(
    body: OptionalModel<ChatCompletionCreateParamsNonStreaming> & Extra<P, 'chat'>,
    options?: ClientRequestOptions,
  ): APIPromise<ChatCompletion & Result<P, 'chat'>>;
  create(
    body: OptionalModel<ChatCompletionCreateParamsStreaming> & Extra<P, 'chat'>,
    options?: ClientRequestOptions,
  ): APIPromise<AbortableStream<ChatCompletionChunk & Partial<Result<P, 'chat'>>>>;
  create(
    body: ChatParams<P>,
    options?: ClientRequestOptions,
  ): APIPromise<AbortableStream<ChatCompletionChunk> | (ChatCompletion & Result<P, 'chat'>)>;
}

/** `client.completions`. */
export interface CompletionsAPI<P extends Platform> {
  /**
   * Creates a legacy text completion, or with `stream: true` a `Stream` of `Completion` chunks.
   * @throws {APIError} subclasses by status; {UnsupportedParamError} under `unsupportedParams: 'error'`
   */
  create(
    body: OptionalModel<CompletionCreateParamsNonStreaming> & Extra<P, 'completion'>,
    options?: ClientRequestOptions,
  ): APIPromise<Completion & Result<P, 'completion'>>;
  create(
    body: OptionalModel<CompletionCreateParamsStreaming> & Extra<P, 'completion'>,
    options?: ClientRequestOptions,
  ): APIPromise<AbortableStream<Completion & Partial<Result<P, 'completion'>>>>;
  create(
    body: CompletionParams<P>,
    options?: ClientRequestOptions,
  ): APIPromise<AbortableStream<Completion> | (Completion & Result<P, 'completion'>)>;
}

/** The page `models.list()` resolves to: Ollama's also carries the native `models` array. */
export type ModelsListPage<P extends Platform> = P extends 'ollama' ? OllamaModelsPage : ModelsPage;

/** The common part of `client.models`. */
export interface ModelsAPI<P extends Platform> {
  /** Lists models (Ollama: `/api/tags`); iterable like the SDK's page. */
  list(options?: ClientRequestOptions): PagePromise<ModelsListPage<P>, Model>;
  /** One model (Ollama: `/api/show`; vLLM: found in the list). @throws {ModelNotFoundError} when absent */
  retrieve(model: string, options?: ClientRequestOptions): APIPromise<Model>;
}

/** The common part of `client.embeddings`. */
export interface EmbeddingsAPI<P extends Platform> {
  /**
   * Creates embeddings; float vectors unless `encoding_format: "base64"` was asked for, as in the SDK. On vLLM and
   * Switchyard, `messages` may replace `input` (chat-style embeddings, {@link VllmChatEmbeddingParams}).
   */
  create(
    body: EmbeddingParams<P> | PlatformChatEmbeddings[P],
    options?: ClientRequestOptions,
  ): APIPromise<CreateEmbeddingResponse>;
}
