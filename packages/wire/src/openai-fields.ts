/**
 * The request fields of the OpenAI endpoints Switchyard translates, as listed in the OpenAI API reference: Create
 * chat completion (https://platform.openai.com/docs/api-reference/chat/create), Create completion
 * (https://platform.openai.com/docs/api-reference/completions/create) and Create embeddings
 * (https://platform.openai.com/docs/api-reference/embeddings/create). A translating provider declares which of these it
 * honours; any other field a client sends is unsupported there, and refused with a 400 that names it.
 */

/** Endpoints whose request fields are catalogued here. */
export type CatalogedEndpoint = 'chat.completions' | 'completions' | 'embeddings';

/**
 * Every documented request field per endpoint (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create; OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create; OpenAI API reference, Create embeddings:
 * https://platform.openai.com/docs/api-reference/embeddings/create).
 */
export const OPENAI_REQUEST_FIELDS: Readonly<Record<CatalogedEndpoint, readonly string[]>> = {
  'chat.completions': [
    'model',
    'messages',
    'frequency_penalty',
    'presence_penalty',
    'logit_bias',
    'logprobs',
    'top_logprobs',
    'max_tokens',
    'max_completion_tokens',
    'n',
    'seed',
    'stop',
    'stream',
    'stream_options',
    'temperature',
    'top_p',
    'tools',
    'tool_choice',
    'parallel_tool_calls',
    'response_format',
    'user',
    'metadata',
    'store',
    'reasoning_effort',
    'modalities',
    'audio',
    'prediction',
    'service_tier',
    'verbosity',
    'web_search_options',
    'prompt_cache_key',
    'safety_identifier',
    'functions',
    'function_call',
  ],
  completions: [
    'model',
    'prompt',
    'best_of',
    'echo',
    'logprobs',
    'max_tokens',
    'n',
    'stop',
    'seed',
    'stream',
    'stream_options',
    'temperature',
    'top_p',
    'frequency_penalty',
    'presence_penalty',
    'logit_bias',
    'user',
    'suffix',
  ],
  embeddings: ['model', 'input', 'encoding_format', 'dimensions', 'user'],
};

/**
 * Request fields that ask nothing of the model (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create): identifiers for abuse monitoring (`user`,
 * `safety_identifier`), bookkeeping (`metadata`, `store`), a prompt-cache routing hint (`prompt_cache_key`) and the
 * processing tier (`service_tier`). None of them changes the tokens generated, so a translating provider accepts
 * them: mapped where it has an equivalent, otherwise accepted and not sent.
 */
export const INERT_REQUEST_FIELDS: Readonly<Record<CatalogedEndpoint, readonly string[]>> = {
  'chat.completions': ['user', 'safety_identifier', 'metadata', 'store', 'prompt_cache_key', 'service_tier'],
  completions: ['user'],
  embeddings: ['user'],
};

/**
 * Values that ask for nothing beyond OpenAI's default behaviour (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create; OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create). A client sending one of them (many SDKs send
 * `n: 1` or `parallel_tool_calls: true`) needs no support from the provider, so the field is not treated as
 * unsupported.
 */
const NEUTRAL_VALUES: Readonly<Record<string, unknown>> = {
  n: 1,
  logprobs: false,
  echo: false,
  best_of: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  parallel_tool_calls: true,
  store: false,
};

/**
 * True when `value` is OpenAI's default for `field` (including `response_format: {type: "text"}`), i.e.
 * sending it changes nothing.
 */
export function isNeutralValue(field: string, value: unknown): boolean {
  if (field === 'response_format') {
    return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'text';
  }
  return field in NEUTRAL_VALUES && NEUTRAL_VALUES[field] === value;
}
