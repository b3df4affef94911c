/**
 * Ollama's native wire types, as far as the adapter reads or writes them (Ollama API docs, Generate a completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion; Ollama API docs, Generate a chat
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion; Ollama API docs,
 * Generate Embeddings: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings; Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md). Count and duration fields are `omitempty` upstream, so
 * every metric is optional (a missing value means 0).
 */

/**
 * `ToolCall` in responses and assistant history: `arguments` is a JSON object (Ollama API docs, Generate a chat
 * completion).
 */
export interface OllamaToolCall {
  /** `call_` + 8 characters; sent by Ollama v0.12.10+ only. */
  id?: string;
  function: { index?: number; name: string; arguments?: Record<string, unknown> | string };
}

/** One entry of a `logprobs` list (Ollama API docs, Generate a chat completion, v0.12.11+). */
export interface OllamaLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
  top_logprobs?: { token: string; logprob: number; bytes?: number[] }[];
}

/**
 * A chat `Message` (Ollama API docs, Generate a chat completion). `content` is a plain string; images are bare
 * base64.
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
 * Fields shared by the final line of `/api/chat` and `/api/generate` (Ollama API docs, Generate a completion; Ollama
 * API docs, Generate a chat completion). Durations in ns.
 */
export interface OllamaMetrics {
  done: boolean;
  /** `stop` | `length` | `load` | `unload`; final line only. */
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

/** One NDJSON line (or the whole `stream: false` body) of `POST /api/chat`. */
export interface OllamaChatLine extends OllamaMetrics {
  model?: string;
  /** RFC 3339 with nanoseconds. */
  created_at?: string;
  message?: Partial<OllamaMessage>;
  logprobs?: OllamaLogprob[];
}

/** One NDJSON line (or the whole `stream: false` body) of `POST /api/generate`. */
export interface OllamaGenerateLine extends OllamaMetrics {
  model?: string;
  created_at?: string;
  response?: string;
  thinking?: string;
  logprobs?: OllamaLogprob[];
}

/** `POST /api/embed` response: L2-normalised vectors, one per input (Ollama API docs, Generate Embeddings). */
export interface OllamaEmbedResponse {
  model?: string;
  embeddings: number[][];
  prompt_eval_count?: number;
}

/** One entry of `GET /api/tags` (Ollama API docs). */
export interface OllamaTagsModel {
  name: string;
  model?: string;
  /** RFC 3339. */
  modified_at?: string;
  digest?: string;
  capabilities?: string[];
}

/** The parts of `POST /api/show` the adapter reads (Ollama API docs). */
export interface OllamaShowResponse {
  capabilities?: string[];
  /** `general.architecture` names the prefix of `<arch>.context_length` (tokens). */
  model_info?: Record<string, unknown>;
}
