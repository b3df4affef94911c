import { THINK_FROM_REASONING_EFFORT } from '@switchyard/wire';
import { invalidParam } from '../../core/errors.js';
import { OLLAMA_FIELDS, type OllamaEndpoint, OPTION_FIELDS } from './capabilities.js';

/** The Ollama request fields shared by `/api/chat`, `/api/generate` and `/api/embed` besides the payload. */
export interface OllamaKnobs {
  /**
   * The `options` object (Ollama Modelfile reference, parameters:
   * https://github.com/ollama/ollama/blob/main/docs/modelfile.md#valid-parameters-and-values); empty when nothing was
   * set.
   */
  options: Record<string, unknown>;
  /** Top-level fields such as `keep_alive`, `think`, `truncate`, `raw`. */
  fields: Record<string, unknown>;
}

/**
 * Builds `options` and the top-level Ollama fields for one request. `defaults` (the model's `params` from
 * config) are applied first and the client's body over them, key by key, so the client always wins; inside each
 * layer the `options` object comes first and named fields (`temperature`, `num_ctx`, …) override it. Nothing is
 * added that neither the client nor the config set.
 * @param endpoint which route's fields apply (sampling fields only for chat and completions)
 * @param body the client's OpenAI body (unsupported fields already removed)
 * @param defaults `models[].params`, e.g. `{options: {num_ctx: 8192}, keep_alive: "10m", think: false}`
 * @throws GatewayError 400 when `options`, `stop` or `reasoning_effort` has the wrong type or value
 */
export function ollamaKnobs(
  endpoint: OllamaEndpoint,
  body: Record<string, unknown>,
  defaults: Record<string, unknown> | undefined,
): OllamaKnobs {
  const base = defaults ? layer(endpoint, defaults) : { options: {}, fields: {} };
  const top = layer(endpoint, body);
  return { options: { ...base.options, ...top.options }, fields: { ...base.fields, ...top.fields } };
}

function layer(endpoint: OllamaEndpoint, src: Record<string, unknown>): OllamaKnobs {
  const options: Record<string, unknown> = {};
  if (src.options !== undefined && src.options !== null) {
    if (typeof src.options !== 'object' || Array.isArray(src.options)) {
      throw invalidParam('options', "'options' must be an object of Ollama runtime parameters");
    }
    Object.assign(options, src.options);
  }
  if (endpoint === 'embeddings') {
    if (isSet(src.num_ctx)) options.num_ctx = src.num_ctx;
  } else {
    for (const [from, to] of Object.entries(OPTION_FIELDS)) if (isSet(src[from])) options[to] = src[from];
    const maxTokens = isSet(src.max_completion_tokens) ? src.max_completion_tokens : src.max_tokens;
    if (isSet(maxTokens)) options.num_predict = maxTokens;
    if (isSet(src.stop)) options.stop = stopList(src.stop);
  }
  const fields: Record<string, unknown> = {};
  if (endpoint !== 'embeddings') {
    const effort = reasoningEffort(src);
    if (effort !== undefined) fields.think = effort;
  }
  for (const name of OLLAMA_FIELDS[endpoint]) if (src[name] !== undefined) fields[name] = src[name];
  return { options, fields };
}

/**
 * `stop` may be a string or an array of strings (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create); Ollama needs an array (Ollama Modelfile reference,
 * parameters: https://github.com/ollama/ollama/blob/main/docs/modelfile.md#valid-parameters-and-values).
 */
function stopList(stop: unknown): string[] {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop;
  throw invalidParam('stop', "'stop' must be a string or an array of strings");
}

/** `reasoning_effort`, or the Responses-style `reasoning: {effort}`, as Ollama's `think` value. */
function reasoningEffort(src: Record<string, unknown>): boolean | string | undefined {
  let param = 'reasoning_effort';
  let effort = src.reasoning_effort;
  if (!isSet(effort) && typeof src.reasoning === 'object' && src.reasoning !== null) {
    param = 'reasoning.effort';
    effort = (src.reasoning as Record<string, unknown>).effort;
  }
  if (!isSet(effort)) return undefined;
  const think = typeof effort === 'string' ? THINK_FROM_REASONING_EFFORT[effort] : undefined;
  if (think === undefined) {
    throw invalidParam(
      param,
      `'${param}' must be one of ${Object.keys(THINK_FROM_REASONING_EFFORT).join(', ')}`,
    );
  }
  return think;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}
