/** Ollama's native `/api/*` shapes (shared/api/ollama.md). Durations are nanoseconds. */

/** `keep_alive`: a Go duration (`"5m"`, `"0"`) or seconds; negative keeps the model loaded (§1). */
export type KeepAlive = string | number;

/** `think`: boolean or a level (§1, §8). */
export type Think = boolean | 'low' | 'medium' | 'high' | 'max';

/** Runtime model parameters (§4); unknown keys are ignored by the server. */
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

/** Ollama fields accepted by chat and completions on the `ollama` platform. */
export interface OllamaGenerationParams {
  /** Merged over the client's `ollama.options` and over the values mapped from OpenAI fields. */
  options?: OllamaOptions;
  /** `"json"` or a JSON Schema; overrides `response_format`. */
  format?: 'json' | Record<string, unknown>;
  keep_alive?: KeepAlive;
  /** Overrides `reasoning_effort`. */
  think?: Think;
  truncate?: boolean;
  shift?: boolean;
}

/** Extra fields of `completions.create` on Ollama (`/api/generate`, §2). */
export interface OllamaCompletionParams extends OllamaGenerationParams {
  system?: string;
  template?: string;
  raw?: boolean;
  images?: string[];
}

/** Extra fields of `embeddings.create` on Ollama (`/api/embed`, §5.1). */
export interface OllamaEmbeddingParams {
  truncate?: boolean;
  options?: OllamaOptions;
  keep_alive?: KeepAlive;
}

/** A native tool call: arguments are an object (§3). */
export interface OllamaToolCall {
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

/** A native chat message (§3). */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  images?: string[];
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
  tool_call_id?: string;
}

/** A token logprob, the same item shape as OpenAI's (§3). */
export interface OllamaLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
  top_logprobs?: Array<{ token: string; logprob: number; bytes?: number[] }>;
}

/** Metrics on the final line of chat and generate; missing counts are 0 (§1). */
export interface OllamaMetrics {
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

/** One `/api/chat` line or response (§3). */
export interface OllamaChatResponse extends OllamaMetrics {
  model: string;
  created_at: string;
  message?: OllamaMessage;
  done: boolean;
  done_reason?: string;
  logprobs?: OllamaLogprob[];
}

/** One `/api/generate` line or response (§2). */
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

/** `/api/embed` response (§5.1); vectors are L2-normalised. */
export interface OllamaEmbedResponse {
  model: string;
  embeddings: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

/** `POST /api/embeddings` (legacy, §5.2). */
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

/** Model details in `/api/tags`, `/api/ps` and `/api/show` (§6). */
export interface OllamaModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
}

/** An entry of `/api/tags` (§6). */
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

/** An entry of `/api/ps` (§6). */
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

/** `POST /api/show` request (§6). */
export interface OllamaShowParams {
  model: string;
  verbose?: boolean;
  system?: string;
  options?: OllamaOptions;
}

/** `/api/show` response (§6). */
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

/** `POST /api/create` (§6): structured fields plus blob digests; no Modelfile text. */
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

/** `POST /api/pull` (§6). */
export interface OllamaPullParams {
  model: string;
  insecure?: boolean;
}

/** `POST /api/push` (§6): `model` is `namespace/model:tag`. */
export interface OllamaPushParams {
  model: string;
  insecure?: boolean;
}

/** `POST /api/copy` (§6). */
export interface OllamaCopyParams {
  source: string;
  destination: string;
}

/** A progress line of pull/push/create (§6.1); byte counts, zero fields omitted. */
export interface OllamaProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}
