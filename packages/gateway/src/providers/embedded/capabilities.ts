/**
 * What `type: embedded` does with each OpenAI request field (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create; OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create; OpenAI API reference, Create embeddings:
 * https://platform.openai.com/docs/api-reference/embeddings/create). The engine runs in-process, so nothing is passed
 * through: "translated" fields are mapped onto node-llama-cpp (chat template, tokenizer, sampler, token budget),
 * "emulated" ones are produced by the gateway around it (parallel choices, grammars, usage chunks, base64 vectors).
 * The provider screens every request with this data (providers/param-policy.ts), so a field not listed here is
 * answered with 400 (or dropped with `drop_unsupported_params`), and docs/providers.md is rendered from it.
 */
import { defineCapabilities, entriesOf } from '../capabilities.js';

const chat = entriesOf('chat.completions');
const legacy = entriesOf('completions');

/**
 * The generation fields chat and legacy completions share, as params.ts validates and sampling.ts and
 * generate.ts apply them; those marked "vLLM extra" are vLLM's sampling and guided-decoding parameters, by
 * vLLM's names (vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters; vLLM docs, Structured
 * Outputs: https://docs.vllm.ai/en/latest/features/structured_outputs.html).
 */
const generation = [
  'model',
  'max_tokens (token budget; absent: until end of generation or of the context)',
  'max_completion_tokens (as max_tokens)',
  'stop (stop sequences, cut from the text)',
  'temperature (sampler; absent: greedy)',
  'top_p (sampler)',
  'top_k (vLLM extra; sampler, ≤ 0 disables it)',
  'min_p (vLLM extra; sampler)',
  'seed (sampler; choice i uses seed + i)',
  'presence_penalty (penalties sampler)',
  'frequency_penalty (penalties sampler)',
  'repetition_penalty (vLLM extra; penalties sampler)',
  'logit_bias (logit-bias sampler; end-of-generation tokens rejected)',
  'stream',
  'min_tokens (vLLM extra; end tokens and stops ignored before it, an end token replaced by the likeliest other)',
  'ignore_eos (vLLM extra; end-of-generation tokens do not end the choice)',
  'stop_token_ids (vLLM extra; the token ends the choice, stop_reason is its id)',
  'skip_special_tokens (vLLM extra; false renders control tokens as text)',
  'include_stop_str_in_output (vLLM extra; the matched stop string stays in the text)',
  'prompt_logprobs (vLLM extra; one entry per prompt token, first null; not with stream)',
  'guided_choice (vLLM extra; grammar: the output is one of the strings)',
  'guided_regex (vLLM extra; grammar: the output is one full match)',
  'guided_json (vLLM extra; grammar, as response_format json_schema)',
  'guided_grammar (vLLM extra; a GBNF grammar in llama.cpp syntax)',
  'structured_outputs (vLLM extra; choice, regex, json, grammar as the guided_* fields)',
];

/** Value-level limits, named by the request handlers when they meet them. */
export const EMBEDDED_UNSUPPORTED = {
  contentPart: 'chat.completions:messages (image, audio and file content parts: the models read text only)',
  bestOf: 'completions:best_of (greater than n: candidates are not ranked)',
  echoLogprobs: 'completions:echo (together with logprobs: prompt tokens get no logprobs)',
  dimensions: "embeddings:dimensions (other than the model's own size)",
} as const;

/** Capability data of the in-process node-llama-cpp engine. */
export const EMBEDDED_CAPABILITIES = defineCapabilities('embedded', {
  endpoints: ['chat.completions', 'completions', 'embeddings'],
  passthrough: [],
  translated: [
    ...chat(
      ...generation,
      "messages (the model's chat template: the GGUF's, config chat_template, or ChatML)",
      'logprobs (from the sampler probabilities)',
      'top_logprobs (0–20)',
      'tools (rendered into the prompt by the chat template)',
      'add_generation_prompt (vLLM extra; default true)',
      'continue_final_message (vLLM extra; the prompt ends inside the last message)',
      'chat_template_kwargs (vLLM extra; extra chat template variables)',
    ),
    ...legacy(
      ...generation,
      'prompt (strings tokenized, BOS as the tokenizer asks; token ids used as given)',
      'logprobs (0–20 alternatives, legacy parallel arrays)',
    ),
    'embeddings:model',
    'embeddings:input (strings or token ids; mean-pooled, L2-normalised)',
    "embeddings:dimensions (the model's own size only)",
  ],
  emulated: [
    ...chat(
      'n (one parallel sequence per choice)',
      "echo (vLLM extra; the last message's content prepended when it has the reply's role)",
      'tool_choice (required or a named function: one call forced by a compact JSON grammar, arguments streamed incrementally, a call cut by max_tokens kept with finish_reason length; auto: calls parsed from the model’s own syntax (Hermes/Qwen, Mistral, Llama 3 JSON) and streamed as deltas, else text; none: the reply is text)',
      'parallel_tool_calls (a forced reply holds one call; under auto, false keeps the first parsed call)',
      'response_format (json_object, json_schema: compact JSON enforced by a grammar; keywords it cannot enforce refused)',
      'stream_options (usage chunk counted by the engine)',
    ),
    ...legacy(
      'n (one parallel sequence per choice)',
      'best_of (up to n: the n choices are returned)',
      'echo (prompt text prepended)',
      'response_format (vLLM-style extension: json_object, json_schema enforced by a grammar)',
      'stream_options (usage chunk counted by the engine)',
    ),
    'embeddings:encoding_format (base64 encoded by the gateway)',
  ],
  unsupportedValues: Object.values(EMBEDDED_UNSUPPORTED),
});
