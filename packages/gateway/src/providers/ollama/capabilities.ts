/**
 * What `type: ollama` does with each OpenAI request field, as data. The request mappers and the
 * unsupported-parameter check read these tables, and {@link OLLAMA_CAPABILITIES} (the provider-catalog docs row)
 * is derived from them, so the docs cannot drift from the code. Facts: Ollama Modelfile reference, parameters:
 * https://github.com/ollama/ollama/blob/main/docs/modelfile.md#valid-parameters-and-values; Ollama's own OpenAI
 * translation, openai/openai.go: https://github.com/ollama/ollama/blob/main/openai/openai.go; Ollama docs, OpenAI
 * compatibility: https://docs.ollama.com/api/openai-compatibility.
 */

import { acceptedInertEntries, type ProviderCapabilities } from '../capabilities.js';

/**
 * The gateway endpoints an Ollama provider serves, with the native route behind each (Ollama API docs, Generate a
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion; Ollama API docs, Generate
 * a chat completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion; Ollama API
 * docs, Generate Embeddings: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings).
 */
export const OLLAMA_ROUTES = {
  'chat.completions': '/api/chat',
  completions: '/api/generate',
  embeddings: '/api/embed',
} as const;

/** A gateway endpoint that `type: ollama` serves. */
export type OllamaEndpoint = keyof typeof OLLAMA_ROUTES;

const CHAT: OllamaEndpoint = 'chat.completions';
const COMPLETIONS: OllamaEndpoint = 'completions';
const EMBEDDINGS: OllamaEndpoint = 'embeddings';
const GENERATION: readonly OllamaEndpoint[] = [CHAT, COMPLETIONS];

/**
 * Request fields that set one Ollama `options` key (chat and completions): OpenAI sampling fields, the
 * vLLM-style extras `top_k`, `min_p`, `repetition_penalty`, and Ollama's `num_ctx` (Ollama Modelfile reference,
 * parameters; Ollama's own OpenAI translation, openai/openai.go).
 */
export const OPTION_FIELDS: Readonly<Record<string, string>> = {
  temperature: 'temperature',
  top_p: 'top_p',
  seed: 'seed',
  presence_penalty: 'presence_penalty',
  frequency_penalty: 'frequency_penalty',
  top_k: 'top_k',
  min_p: 'min_p',
  repetition_penalty: 'repeat_penalty',
  num_ctx: 'num_ctx',
};

/** Top-level Ollama fields a request (or `models[].params`) may carry, sent upstream unchanged (Ollama API docs). */
export const OLLAMA_FIELDS: Readonly<Record<OllamaEndpoint, readonly string[]>> = {
  'chat.completions': ['keep_alive', 'think', 'truncate', 'shift'],
  completions: ['keep_alive', 'think', 'truncate', 'shift', 'raw'],
  embeddings: ['keep_alive', 'truncate'],
};

/** A field Ollama honours only from a given server version on; older servers would ignore it silently. */
export interface VersionGatedField {
  field: string;
  endpoints: readonly OllamaEndpoint[];
  /** First Ollama version that honours the field, `major.minor.patch`. */
  minVersion: string;
}

/**
 * Fields checked against `GET /api/version` before they are sent (Ollama API docs, Generate a completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion; Ollama API docs, Generate Embeddings:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings, and Ollama's release notes:
 * https://github.com/ollama/ollama/releases).
 */
export const VERSION_GATED_FIELDS: readonly VersionGatedField[] = [
  { field: 'logprobs', endpoints: GENERATION, minVersion: '0.12.11' },
  { field: 'top_logprobs', endpoints: [CHAT], minVersion: '0.12.11' },
  { field: 'dimensions', endpoints: [EMBEDDINGS], minVersion: '0.11.11' },
];

/**
 * A request field Ollama cannot honour (Ollama's own OpenAI translation, openai/openai.go; Ollama docs, OpenAI
 * compatibility): 400 naming it, or dropped when configured.
 */
export interface UnsupportedField {
  field: string;
  endpoints: readonly OllamaEndpoint[];
  /** Values Ollama's behaviour already matches (OpenAI's defaults); absent means every value is unsupported. */
  honoured?: (value: unknown) => boolean;
  /** Which values are unsupported, for the docs, when not all of them. */
  values?: string;
}

/** Every OpenAI request field `type: ollama` cannot honour. */
export const UNSUPPORTED_FIELDS: readonly UnsupportedField[] = [
  { field: 'n', endpoints: GENERATION, honoured: (v) => v === 1, values: '> 1' },
  { field: 'best_of', endpoints: [COMPLETIONS], honoured: (v) => v === 1, values: '> 1' },
  { field: 'echo', endpoints: [COMPLETIONS], honoured: (v) => v === false, values: 'true' },
  { field: 'logit_bias', endpoints: GENERATION, honoured: isEmptyObject, values: 'non-empty' },
  {
    field: 'tool_choice',
    endpoints: [CHAT],
    honoured: (v) => v === 'auto' || v === 'none',
    values: '"required" or a named tool',
  },
  { field: 'parallel_tool_calls', endpoints: [CHAT], honoured: (v) => v === true, values: 'false' },
  {
    field: 'modalities',
    endpoints: [CHAT],
    honoured: (v) => Array.isArray(v) && v.every((m) => m === 'text'),
    values: 'other than ["text"]',
  },
  { field: 'audio', endpoints: [CHAT] },
  { field: 'prediction', endpoints: [CHAT] },
  { field: 'web_search_options', endpoints: [CHAT] },
  { field: 'verbosity', endpoints: [CHAT] },
  { field: 'functions', endpoints: [CHAT] },
  { field: 'function_call', endpoints: [CHAT] },
];

/** Request values rejected with a 400 whatever `drop_unsupported_params` says (the request has no meaning without them). */
const UNSUPPORTED_VALUES = [
  'image_url with an http(s) URL (send a base64 data URL; Ollama does not fetch images)',
  'file content parts',
  'prompt arrays of more than one prompt, and token-id prompts (completions)',
  'token-id input (embeddings)',
  'endpoints tokenize, detokenize, pooling, classify, score, rerank, audio.transcriptions',
];

/**
 * The names of the fields in `body` that Ollama cannot honour on `endpoint` with the values sent.
 * @returns field names for `applyUnsupportedParams` (protocols/openai/unsupported-params.ts)
 */
export function unsupportedFields(endpoint: OllamaEndpoint, body: Record<string, unknown>): string[] {
  return UNSUPPORTED_FIELDS.filter(
    (rule) =>
      rule.endpoints.includes(endpoint) &&
      body[rule.field] !== undefined &&
      body[rule.field] !== null &&
      !rule.honoured?.(body[rule.field]),
  ).map((rule) => rule.field);
}

/** The provider-catalog row for `type: ollama`, derived from the tables above. */
export const OLLAMA_CAPABILITIES: ProviderCapabilities = {
  type: 'ollama',
  passthrough: [
    'stream',
    'tools (function definitions as sent; Ollama does not enforce `strict`)',
    'suffix (completions, fill-in-the-middle)',
    'options (extra body field; merged over models[].params.options)',
    ...uniqueFields().map((field) => `${field} (extra body field; ${endpointsUsing(field)})`),
    ...VERSION_GATED_FIELDS.map(
      (g) => `${g.field} (${g.endpoints.join(', ')}; Ollama ≥ ${g.minVersion}, unsupported before)`,
    ),
  ],
  translated: [
    'max_completion_tokens / max_tokens → options.num_predict',
    'stop (string or array) → options.stop (array)',
    ...Object.entries(OPTION_FIELDS).map(([from, to]) => `${from} → options.${to}`),
    'messages: system and developer → system; text parts joined; image_url data URLs and input_audio → images',
    'assistant tool_calls: arguments JSON string ↔ object; tool messages get tool_name from the matching call id',
    'thinking ↔ reasoning_content (responses and assistant history)',
    'response_format json_object → format "json"; json_schema → format <schema>',
    'reasoning_effort / reasoning.effort → think (none → false, minimal → low, xhigh → max)',
    'completions prompt → /api/generate in raw mode (templated when suffix is set)',
    'embeddings input → /api/embed',
    'done_reason → finish_reason (stop → tool_calls when tools were called)',
    'prompt_eval_count / eval_count → usage',
    'logprobs list → choices[].logprobs (chat content list; legacy completions arrays)',
    'NDJSON stream → SSE chunks; tool calls keyed by index',
    'errors {"error": "..."} → OpenAI envelope with the upstream status (model not found → 404), also mid-stream',
    '/api/tags + /api/show → model discovery (capabilities, context length)',
  ],
  emulated: [
    'stream_options.include_usage (usage chunk built from the final NDJSON line)',
    'tool_choice "none" (tools are left out)',
    'tool call ids (call_… generated when Ollama < 0.12.10 sends none)',
    'encoding_format base64 (float32 little-endian, encoded by the gateway)',
    ...acceptedInertEntries([CHAT, COMPLETIONS, EMBEDDINGS]),
  ],
  unsupported: [
    ...UNSUPPORTED_FIELDS.map(
      (rule) => `${rule.field}${rule.values ? ` ${rule.values}` : ''} (${rule.endpoints.join(', ')})`,
    ),
    ...UNSUPPORTED_VALUES,
  ],
};

function uniqueFields(): string[] {
  return [...new Set(Object.values(OLLAMA_FIELDS).flat())];
}

function endpointsUsing(field: string): string {
  return (Object.keys(OLLAMA_FIELDS) as OllamaEndpoint[])
    .filter((endpoint) => OLLAMA_FIELDS[endpoint].includes(field))
    .join(', ');
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
