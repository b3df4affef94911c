/**
 * `@switchyard/client`: one OpenAI-compatible client for vLLM, Ollama, OpenAI and Switchyard, with their
 * platform-specific endpoints. See README.md.
 */

export type {
  ClassificationParams,
  ClassificationResponse,
  DetokenizeParams,
  DetokenizeResponse,
  KeepAlive,
  OllamaChatResponse,
  OllamaCopyParams,
  OllamaCreateParams,
  OllamaEmbedResponse,
  OllamaGenerateResponse,
  OllamaLegacyEmbeddingParams,
  OllamaLegacyEmbeddingResponse,
  OllamaLogprob,
  OllamaMessage,
  OllamaMetrics,
  OllamaModel,
  OllamaModelDetails,
  OllamaOptions,
  OllamaProgress,
  OllamaPullParams,
  OllamaPushParams,
  OllamaRunningModel,
  OllamaShowParams,
  OllamaShowResponse,
  OllamaToolCall,
  PoolingResponse,
  PoolingUsage,
  RerankParams,
  RerankResponse,
  ScoreMultiModalParam,
  ScoreParams,
  ScoreResponse,
  Think,
  TokenizeCompletionParams,
  TokenizeResponse,
  VllmChatParams,
  VllmCompletionParams,
  VllmEmbeddingParams,
  VllmSamplingParams,
  VllmStructuredOutputs,
} from '@switchyard/wire';
export type { APIPromise, PagePromise } from 'openai';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  OpenAIError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from 'openai';
export type { Transcription } from 'openai/resources/audio/transcriptions';
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
export type { Completion, CompletionChoice, CompletionUsage } from 'openai/resources/completions';
export type { CreateEmbeddingResponse, Embedding } from 'openai/resources/embeddings';
export type { Model } from 'openai/resources/models';
export type { Stream } from 'openai/streaming';
export type * from './api-types.js';
export {
  type Env,
  OpenAICompatibleClient,
  type OpenAICompatibleClientConstructor,
} from './client.js';
export type {
  BlobsAPI,
  ClientExtras,
  CommonMembers,
  CreateAPI,
  OllamaLegacyEmbeddingsAPI,
  OllamaModelsAPI,
  PlatformMembers,
  RerankRequestOptions,
  TokenizerAPI,
} from './client-types.js';
export {
  BASE_URL_VARIABLES,
  type ClientConfig,
  type ClientConfigInput,
  ClientConfigSchema,
  configFromEnv,
  type Fetch,
  LOG_LEVELS,
  parseClientConfig,
  type UnsupportedParamsPolicy,
} from './config.js';
export { ClientConfigError, type ConfigProblem } from './config-errors.js';
export { encodeImage, type ImageSource, sniffImageType } from './encode-image.js';
export {
  ClientClosedError,
  MissingChatTemplateError,
  ModelNotFoundError,
  UnsupportedParamError,
  UnsupportedPlatformError,
} from './errors.js';
export type { FileSource } from './file-source.js';
export type { HealthProvidersResponse, ProviderHealth } from './health-providers.js';
export { OllamaModelsPage } from './ollama/models.js';
export type * from './ollama/params.js';
export { type DetectionOptions, detectPlatform } from './platform-detection.js';
export { PLATFORM_NAMES, type Platform } from './platforms/names.js';
export {
  PLATFORM_SUPPORT,
  type PlatformsOf,
  type ServedPart,
  type Serves,
  type SupportedMember,
  serves,
} from './platforms/support.js';
export { ProgressStream } from './progress-stream.js';
export type { ClientRequestOptions } from './request-options.js';
export type { TranscriptionParams } from './transcription-params.js';
export type { WarningLogger } from './unsupported-params.js';
export type { VersionResponse } from './version-probe.js';
export type * from './vllm/chat-input.js';
