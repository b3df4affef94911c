/**
 * Requests and responses of vLLM's own routes at the server root (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html).
 */
import type { VllmChatInput } from './vllm-params.js';

/**
 * `POST /tokenize`, completion style (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api). `add_special_tokens` defaults
 * to true.
 */
export interface TokenizeCompletionParams {
  model?: string;
  prompt: string;
  add_special_tokens?: boolean;
  return_token_strs?: boolean;
}

/** `POST /tokenize`, chat style; `add_generation_prompt` defaults to true, `add_special_tokens` to false. */
export interface TokenizeChatParams<Message = Record<string, unknown>, Tool = Record<string, unknown>>
  extends VllmChatInput<Message, Tool> {
  model?: string;
  add_special_tokens?: boolean;
  return_token_strs?: boolean;
}

/** Either form of `/tokenize`; the server tells them apart by `messages`. */
export type TokenizeParams<Message = Record<string, unknown>, Tool = Record<string, unknown>> =
  | TokenizeCompletionParams
  | TokenizeChatParams<Message, Tool>;

/** `/tokenize` response: token ids, their count and the model's context length (tokens). */
export interface TokenizeResponse {
  count: number;
  max_model_len: number;
  tokens: number[];
  /** Null unless `return_token_strs`. */
  token_strs?: string[] | null;
}

/**
 * `POST /detokenize` (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api).
 */
export interface DetokenizeParams {
  model?: string;
  tokens: number[];
}

/** `/detokenize` response. */
export interface DetokenizeResponse {
  prompt: string;
}

/** Pooling-endpoint usage: `completion_tokens` is 0. */
export interface PoolingUsage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens?: number;
  prompt_tokens_details?: unknown;
}

interface PoolingCommon {
  model?: string;
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  truncate_prompt_tokens?: number;
  add_special_tokens?: boolean;
  priority?: number;
  request_id?: string;
  normalize?: boolean;
  /** Newer servers: `embed`, `classify`, `token_embed`, `token_classify`, `plugin`… */
  task?: string;
}

/**
 * `POST /pooling` (vLLM docs, Pooling API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#pooling-api): `input` (completion form) or
 * `messages` (chat form).
 */
export type PoolingParams<Message = Record<string, unknown>, Tool = Record<string, unknown>> =
  | (PoolingCommon & { input: string | string[] | number[] | number[][] })
  | (PoolingCommon & VllmChatInput<Message, Tool>);

/** `/pooling` response; `data[i].data` is per-token vectors, a flat vector, or base64. */
export interface PoolingResponse {
  id: string;
  object: 'list';
  created: number;
  model: string;
  data: Array<{ index: number; object: 'pooling'; data: number[][] | number[] | string }>;
  usage: PoolingUsage;
}

/**
 * `POST /classify` (vLLM docs, Classification API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#classification-api).
 */
export interface ClassificationParams {
  model?: string;
  input: string | string[];
  truncate_prompt_tokens?: number;
  priority?: number;
  /** vLLM ≤ 0.10 */
  activation?: boolean;
  /** newer vLLM */
  use_activation?: boolean;
}

/** `/classify` response. */
export interface ClassificationResponse {
  id: string;
  object: 'list';
  created: number;
  model: string;
  data: Array<{ index: number; label: string | null; probs: number[]; num_classes: number }>;
  usage: PoolingUsage;
}

/**
 * A multi-modal score/rerank input (vLLM docs, Score API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#score-api).
 */
export interface ScoreMultiModalParam {
  content: Array<Record<string, unknown>>;
}

/**
 * `POST /score` (vLLM docs, Score API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#score-api): 1 pair, N pairs against `text_1`,
 * or N zipped pairs.
 */
export interface ScoreParams {
  model?: string;
  text_1: string | string[] | ScoreMultiModalParam;
  text_2: string | string[] | ScoreMultiModalParam;
  truncate_prompt_tokens?: number;
  priority?: number;
  activation?: boolean;
  use_activation?: boolean;
  mm_processor_kwargs?: Record<string, unknown>;
}

/** `/score` response. */
export interface ScoreResponse {
  id: string;
  object: 'list';
  created: number;
  model: string;
  data: Array<{ index: number; object: 'score'; score: number }>;
  usage: PoolingUsage;
}

/**
 * `POST /rerank` and `POST /v2/rerank` (vLLM docs, Re-rank API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api). `top_n` 0 (default) returns all.
 */
export interface RerankParams {
  model?: string;
  query: string | ScoreMultiModalParam;
  documents: string[] | ScoreMultiModalParam;
  top_n?: number;
  truncate_prompt_tokens?: number;
  priority?: number;
  activation?: boolean;
  use_activation?: boolean;
  mm_processor_kwargs?: Record<string, unknown>;
}

/** Rerank response: results sorted by `relevance_score`, highest first; `index` points into `documents`. */
export interface RerankResponse {
  id: string;
  model: string;
  usage: { total_tokens: number };
  results: Array<{
    index: number;
    document: { text: string | null; multi_modal?: unknown };
    relevance_score: number;
  }>;
}
