/**
 * Request fields vLLM accepts on top of OpenAI's on `/v1/chat/completions` and `/v1/completions`, sent as
 * top-level JSON keys (vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters). Also accepted by
 * Switchyard, which forwards unknown fields to OpenAI-compatible deployments.
 */
/**
 * `structured_outputs` (vLLM ≥ 0.10.2): exactly one constraint (vLLM docs, Structured Outputs:
 * https://docs.vllm.ai/en/latest/features/structured_outputs.html).
 */
export interface VllmStructuredOutputs {
  json?: string | Record<string, unknown>;
  regex?: string;
  choice?: string[];
  grammar?: string;
  json_object?: boolean;
  structural_tag?: string;
  disable_any_whitespace?: boolean;
  disable_additional_properties?: boolean;
  whitespace_pattern?: string;
}

/**
 * Sampling extras for chat and completions (vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters).
 */
export interface VllmSamplingParams {
  /** 0 or −1 disables. */
  top_k?: number;
  min_p?: number;
  repetition_penalty?: number;
  length_penalty?: number;
  use_beam_search?: boolean;
  stop_token_ids?: number[];
  include_stop_str_in_output?: boolean;
  ignore_eos?: boolean;
  /** Tokens generated before EOS and stop ids are allowed. */
  min_tokens?: number;
  skip_special_tokens?: boolean;
  spaces_between_special_tokens?: boolean;
  truncate_prompt_tokens?: number;
  /** Top-k logprobs per prompt token; not with `stream: true`. */
  prompt_logprobs?: number;
  allowed_token_ids?: number[];
  bad_words?: string[];
  /** Becomes part of the response `id`. */
  request_id?: string;
  /** Lower is served earlier; needs priority scheduling on the server. */
  priority?: number;
  cache_salt?: string;
  kv_transfer_params?: Record<string, unknown>;
  vllm_xargs?: Record<string, string | number | boolean | Array<string | number>>;
  add_special_tokens?: boolean;
  /** vLLM ≥ 0.10.2; converted to `guided_*` for older servers. */
  structured_outputs?: VllmStructuredOutputs;
  /** vLLM < 0.12 (removed in 0.12.0); converted to `structured_outputs` for newer servers. */
  guided_json?: string | Record<string, unknown>;
  guided_regex?: string;
  guided_choice?: string[];
  guided_grammar?: string;
  guided_decoding_backend?: string;
  guided_whitespace_pattern?: string;
}

/**
 * Chat-only extras (vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters).
 */
export interface VllmChatParams extends VllmSamplingParams {
  echo?: boolean;
  add_generation_prompt?: boolean;
  continue_final_message?: boolean;
  documents?: Array<{ title?: string; text: string }>;
  /** A Jinja chat template for this request (`vllm.chatTemplate` in the config sets a default). */
  chat_template?: string;
  chat_template_kwargs?: Record<string, unknown>;
  mm_processor_kwargs?: Record<string, unknown>;
  include_reasoning?: boolean;
  return_tokens_as_token_ids?: boolean;
  return_token_ids?: boolean;
}

/** Completion-only extras. */
export interface VllmCompletionParams extends VllmSamplingParams {
  prompt_embeds?: string | string[];
  return_tokens_as_token_ids?: boolean;
}

/**
 * Embedding extras (vLLM docs, Pooling API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#pooling-api).
 */
export interface VllmEmbeddingParams {
  truncate_prompt_tokens?: number;
  add_special_tokens?: boolean;
  priority?: number;
  request_id?: string;
  normalize?: boolean;
}

/**
 * Shared by the chat-style requests of `/tokenize` and `/pooling` (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api).
 * `Message` and `Tool` are the chat message and tool types (plain JSON objects here; the client narrows them to the
 * `openai` SDK's `ChatCompletionMessageParam` and `ChatCompletionTool`).
 */
export interface VllmChatInput<Message = Record<string, unknown>, Tool = Record<string, unknown>> {
  messages: Message[];
  add_generation_prompt?: boolean;
  continue_final_message?: boolean;
  chat_template?: string;
  chat_template_kwargs?: Record<string, unknown>;
  mm_processor_kwargs?: Record<string, unknown>;
  tools?: Tool[];
}
