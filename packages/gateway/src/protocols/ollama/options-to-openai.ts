/**
 * Ollama's request knobs as canonical (OpenAI chat completions) fields: `options` (Ollama Modelfile reference,
 * parameters: https://github.com/ollama/ollama/blob/main/docs/modelfile.md#valid-parameters-and-values), `format`
 * and `think` (Ollama API docs, Generate a chat completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion). The inverse of what the
 * `ollama` provider maps (providers/ollama/capabilities.ts), so a request through the gateway to an Ollama upstream
 * arrives as it was sent.
 */
import { invalidParam } from '../../core/errors.js';

/** Ollama option → canonical field of the same meaning (vLLM's names where OpenAI has none). */
const OPTION_FIELDS: Readonly<Record<string, string>> = {
  temperature: 'temperature',
  top_p: 'top_p',
  seed: 'seed',
  presence_penalty: 'presence_penalty',
  frequency_penalty: 'frequency_penalty',
  top_k: 'top_k',
  min_p: 'min_p',
  repeat_penalty: 'repetition_penalty',
  num_ctx: 'num_ctx',
};

/**
 * Options about how Ollama's own runner loads a model (threads, GPU layers, memory mapping, batch size):
 * they ask nothing of the answer, and another engine has its own settings for them, so they are accepted and
 * not forwarded.
 */
const RUNNER_OPTIONS: ReadonlySet<string> = new Set([
  'num_thread',
  'num_gpu',
  'main_gpu',
  'use_mmap',
  'use_mlock',
  'num_batch',
  'numa',
  'low_vram',
  'vocab_only',
  'num_keep',
]);

/** `think` levels that are OpenAI `reasoning_effort` values as they are. */
const THINK_LEVELS: ReadonlySet<string> = new Set(['low', 'medium', 'high']);

/**
 * The canonical fields for `options`, `format` and `think`. `num_predict` becomes `max_tokens` (−1, "no limit",
 * and −2, "fill the context", become no limit); `stop` stays a list; options Ollama's docs list with no canonical
 * field keep their Ollama name, so the provider accepts or refuses them by name; runner options are not forwarded.
 * `format: "json"` is `response_format: json_object`, a JSON Schema object is `json_schema` named `format`.
 * `think: false` is `reasoning_effort: none`, a level keeps its name, `true` adds nothing (the model's default).
 * @throws GatewayError 400 naming the field for an `options` that is not an object, a `stop` that is not a list
 *   of strings, a `num_predict` that is not an integer, or a `format` / `think` of another type
 */
export function ollamaKnobsToOpenAI(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const options = body.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidParam('options', "'options' must be an object");
  }
  for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
    if (value === undefined || value === null || RUNNER_OPTIONS.has(name)) continue;
    if (name === 'num_predict') {
      if (!Number.isInteger(value))
        throw invalidParam('options.num_predict', "'num_predict' must be an integer");
      if ((value as number) >= 0) out.max_tokens = value;
    } else if (name === 'stop') {
      if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
        throw invalidParam('options.stop', "'stop' must be a list of strings");
      }
      if (value.length > 0) out.stop = value;
    } else {
      out[OPTION_FIELDS[name] ?? name] = value;
    }
  }
  const format = body.format;
  if (format === 'json') out.response_format = { type: 'json_object' };
  else if (typeof format === 'object' && format !== null && !Array.isArray(format)) {
    out.response_format = { type: 'json_schema', json_schema: { name: 'format', schema: format } };
  } else if (format !== undefined && format !== null && format !== '') {
    throw invalidParam('format', '\'format\' must be "json" or a JSON Schema object');
  }
  const think = body.think;
  if (think === false) out.reasoning_effort = 'none';
  else if (typeof think === 'string' && THINK_LEVELS.has(think)) out.reasoning_effort = think;
  else if (think !== undefined && think !== null && think !== true) {
    throw invalidParam('think', "'think' must be a boolean or one of low, medium, high");
  }
  return out;
}
