/**
 * Ollama's native `/api/*` wire shapes (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md, and
 * the Go types behind them: https://github.com/ollama/ollama/blob/main/api/types.go). Durations are nanoseconds, sizes
 * bytes. Count and duration fields are `omitempty` on the server, so a missing one means 0.
 */

/**
 * `keep_alive`: a Go duration (`"5m"`, `"0"`) or seconds; negative keeps the model loaded (Ollama API docs,
 * Conventions: https://github.com/ollama/ollama/blob/main/docs/api.md#conventions).
 */
export type KeepAlive = string | number;

/**
 * `think`: boolean or a level (Ollama API docs, Conventions:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#conventions; Ollama docs, Thinking:
 * https://docs.ollama.com/capabilities/thinking).
 */
export type Think = boolean | 'low' | 'medium' | 'high' | 'max';

/**
 * Runtime model parameters (Ollama Modelfile reference, parameters:
 * https://github.com/ollama/ollama/blob/main/docs/modelfile.md#valid-parameters-and-values); unknown keys are ignored
 * by the server.
 */
export interface OllamaOptions {
  num_ctx?: number;
  num_predict?: number;
  temperature?: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  typical_p?: number;
  seed?: number;
  stop?: string[];
  repeat_penalty?: number;
  repeat_last_n?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  num_keep?: number;
  num_batch?: number;
  num_gpu?: number;
  main_gpu?: number;
  use_mmap?: boolean;
  num_thread?: number;
  [key: string]: unknown;
}

/**
 * A native tool call: arguments are an object (Ollama API docs, Generate a chat completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 */
export interface OllamaToolCall {
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

/**
 * A native chat message (Ollama API docs, Generate a chat completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  images?: string[];
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
  tool_call_id?: string;
}

/**
 * A token logprob, the same item shape as OpenAI's (Ollama API docs, Generate a chat completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 */
export interface OllamaLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
  top_logprobs?: Array<{ token: string; logprob: number; bytes?: number[] }>;
}

/**
 * Metrics on the final line of chat and generate; missing counts are 0 (Ollama API docs, Conventions:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#conventions).
 */
export interface OllamaMetrics {
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

/**
 * One `/api/chat` line or response (Ollama API docs, Generate a chat completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 */
export interface OllamaChatResponse extends OllamaMetrics {
  model: string;
  created_at: string;
  message?: OllamaMessage;
  done: boolean;
  done_reason?: string;
  logprobs?: OllamaLogprob[];
}

/**
 * One `/api/generate` line or response (Ollama API docs, Generate a completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion).
 */
export interface OllamaGenerateResponse extends OllamaMetrics {
  model: string;
  created_at: string;
  response: string;
  thinking?: string;
  done: boolean;
  done_reason?: string;
  context?: number[];
  logprobs?: OllamaLogprob[];
}

/**
 * `/api/embed` response (Ollama API docs, Generate Embeddings:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings); vectors are L2-normalised.
 */
export interface OllamaEmbedResponse {
  model: string;
  embeddings: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

/**
 * `POST /api/embeddings` (legacy, Ollama API docs, Generate Embedding:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embedding).
 */
export interface OllamaLegacyEmbeddingParams {
  model?: string;
  prompt: string;
  options?: OllamaOptions;
  keep_alive?: KeepAlive;
}

/** `/api/embeddings` response: one unnormalised vector. */
export interface OllamaLegacyEmbeddingResponse {
  embedding: number[];
}

/** Model details in `/api/tags`, `/api/ps` and `/api/show` (Ollama API docs). */
export interface OllamaModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
}

/** An entry of `/api/tags` (Ollama API docs). */
export interface OllamaModel {
  name: string;
  model: string;
  modified_at: string;
  /** Bytes. */
  size: number;
  digest: string;
  details: OllamaModelDetails;
  capabilities?: string[];
  remote_model?: string;
  remote_host?: string;
}

/** An entry of `/api/ps` (Ollama API docs). */
export interface OllamaRunningModel {
  name: string;
  model: string;
  /** Bytes. */
  size: number;
  digest: string;
  details: OllamaModelDetails;
  expires_at: string;
  size_vram: number;
  context_length?: number;
}

/** `POST /api/show` request (Ollama API docs). */
export interface OllamaShowParams {
  model: string;
  verbose?: boolean;
  system?: string;
  options?: OllamaOptions;
}

/** `/api/show` response (Ollama API docs). */
export interface OllamaShowResponse {
  license?: string;
  modelfile?: string;
  parameters?: string;
  template?: string;
  system?: string;
  details: OllamaModelDetails;
  messages?: OllamaMessage[];
  model_info?: Record<string, unknown>;
  projector_info?: Record<string, unknown>;
  tensors?: unknown[];
  capabilities?: string[];
  modified_at?: string;
  renderer?: string;
  parser?: string;
  requires?: string;
}

/** `POST /api/create` (Ollama API docs): structured fields plus blob digests; no Modelfile text. */
export interface OllamaCreateParams {
  model: string;
  from?: string;
  /** File name → `sha256:<hex>` digest of a blob uploaded with `blobs.push`. */
  files?: Record<string, string>;
  adapters?: Record<string, string>;
  template?: string;
  system?: string;
  license?: string | string[];
  parameters?: Record<string, unknown>;
  messages?: OllamaMessage[];
  quantize?: string;
  renderer?: string;
  parser?: string;
  requires?: string;
}

/** `POST /api/pull` (Ollama API docs). */
export interface OllamaPullParams {
  model: string;
  insecure?: boolean;
}

/** `POST /api/push` (Ollama API docs): `model` is `namespace/model:tag`. */
export interface OllamaPushParams {
  model: string;
  insecure?: boolean;
}

/** `POST /api/copy` (Ollama API docs). */
export interface OllamaCopyParams {
  source: string;
  destination: string;
}

/**
 * A progress line of pull/push/create (Ollama API docs, Pull a Model:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model); byte counts, zero fields omitted.
 */
export interface OllamaProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}

/** `GET /api/version` (Ollama API docs, Version: https://github.com/ollama/ollama/blob/main/docs/api.md#version). */
export interface OllamaVersionResponse {
  version: string;
}
