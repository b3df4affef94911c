/**
 * The Ollama fields the client accepts on top of OpenAI's, per method of the `ollama` platform. The native wire
 * shapes themselves (`OllamaOptions`, `OllamaChatResponse`, …) come from `@switchyard/wire`.
 */
import type { KeepAlive, OllamaMetrics, OllamaOptions, Think } from '@switchyard/wire';

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

/**
 * Extra fields of `completions.create` on Ollama (`/api/generate`, Ollama API docs, Generate a completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion).
 */
export interface OllamaCompletionParams extends OllamaGenerationParams {
  system?: string;
  template?: string;
  raw?: boolean;
  images?: string[];
  /** The `context` of an earlier result, to continue from it (deprecated by Ollama, still served). */
  context?: number[];
}

/**
 * Extra fields of `embeddings.create` on Ollama (`/api/embed`, Ollama API docs, Generate Embeddings:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings).
 */
export interface OllamaEmbeddingParams {
  truncate?: boolean;
  options?: OllamaOptions;
  keep_alive?: KeepAlive;
}

/**
 * Ollama's own result fields kept on a completion: the timing metrics and, from `/api/generate`, `context` (the
 * token ids to pass back as `context` to continue the conversation; deprecated by Ollama but still served).
 */
export interface OllamaResultExtras extends OllamaMetrics {
  context?: number[];
}
