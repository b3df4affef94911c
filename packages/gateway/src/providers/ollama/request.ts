import { invalidParam } from '../../core/errors.js';
import { toOllamaMessages } from './messages.js';
import { ollamaKnobs } from './options.js';

/** The client's request as the Ollama adapter sees it, after unsupported fields were handled. */
export interface OllamaRequestInput {
  /** The client's OpenAI body. */
  body: Record<string, unknown>;
  /** Upstream model name (the deployment's `model`). */
  model: string;
  /**
   * Whether to stream; always sent, because Ollama streams when `stream` is absent (Ollama API docs, Streaming
   * responses).
   */
  stream: boolean;
  /** `models[].params` from config, merged under the body. */
  defaults: Record<string, unknown> | undefined;
}

/**
 * OpenAI chat completion request (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create) → `POST /api/chat` body (Ollama API docs, Generate a
 * chat completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion, mapping
 * Ollama's own OpenAI translation, openai/openai.go: https://github.com/ollama/ollama/blob/main/openai/openai.go).
 * `tool_choice: "none"` is honoured by leaving `tools` out; other unsupported fields were handled before.
 * @throws GatewayError 400 naming the field for malformed messages, tools or `response_format`
 */
export function chatRequest(input: OllamaRequestInput): Record<string, unknown> {
  const { body } = input;
  const out: Record<string, unknown> = {
    model: input.model,
    messages: toOllamaMessages(body.messages),
    stream: input.stream,
  };
  if (body.tools !== undefined && body.tools !== null && body.tool_choice !== 'none') {
    out.tools = functionTools(body.tools);
  }
  const format = formatOf(body.response_format);
  if (format !== undefined) out.format = format;
  if (body.logprobs !== undefined && body.logprobs !== null) out.logprobs = body.logprobs;
  if (body.top_logprobs !== undefined && body.top_logprobs !== null) out.top_logprobs = body.top_logprobs;
  return withKnobs(out, 'chat.completions', input);
}

/**
 * OpenAI legacy completion request (OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create) → `POST /api/generate` body (Ollama API docs,
 * Generate a completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion). The prompt is
 * raw text, so `raw: true` skips the model's chat template, unless `suffix` is set: fill-in-the-middle needs the
 * template. A `raw` field in the request or config overrides this. `logprobs: N` → `logprobs: true, top_logprobs: N`.
 * @throws GatewayError 400 (`prompt`) for prompt arrays of more than one prompt and for token ids
 */
export function generateRequest(input: OllamaRequestInput): Record<string, unknown> {
  const { body } = input;
  const out: Record<string, unknown> = {
    model: input.model,
    prompt: promptOf(body.prompt),
    stream: input.stream,
  };
  if (body.suffix !== undefined && body.suffix !== null) {
    if (typeof body.suffix !== 'string') throw invalidParam('suffix', "'suffix' must be a string");
    out.suffix = body.suffix;
  }
  out.raw = out.suffix === undefined;
  if (body.logprobs !== undefined && body.logprobs !== null) {
    const n = body.logprobs;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 20) {
      throw invalidParam('logprobs', "'logprobs' must be an integer between 0 and 20");
    }
    out.logprobs = true;
    out.top_logprobs = n;
  }
  return withKnobs(out, 'completions', input);
}

/**
 * OpenAI embeddings request (OpenAI API reference, Create embeddings:
 * https://platform.openai.com/docs/api-reference/embeddings/create) → `POST /api/embed` body (Ollama API docs,
 * Generate Embeddings: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings).
 * @throws GatewayError 400 for empty input, token-id input, or an unknown `encoding_format`
 */
export function embedRequest(input: OllamaRequestInput): Record<string, unknown> {
  const { body } = input;
  const text = body.input;
  const valid =
    (typeof text === 'string' && text !== '') ||
    (Array.isArray(text) && text.length > 0 && text.every((t) => typeof t === 'string'));
  if (!valid) {
    throw invalidParam(
      'input',
      "'input' must be a non-empty string or array of strings (Ollama does not accept token ids)",
    );
  }
  const encoding = body.encoding_format;
  if (encoding !== undefined && encoding !== null && encoding !== 'float' && encoding !== 'base64') {
    throw invalidParam('encoding_format', "'encoding_format' must be 'float' or 'base64'");
  }
  const out: Record<string, unknown> = { model: input.model, input: text };
  if (body.dimensions !== undefined && body.dimensions !== null) out.dimensions = body.dimensions;
  return withKnobs(out, 'embeddings', input);
}

function withKnobs(
  out: Record<string, unknown>,
  endpoint: 'chat.completions' | 'completions' | 'embeddings',
  input: OllamaRequestInput,
): Record<string, unknown> {
  const { options, fields } = ollamaKnobs(endpoint, input.body, input.defaults);
  Object.assign(out, fields);
  if (Object.keys(options).length > 0) out.options = options;
  return out;
}

/**
 * Function tools go upstream as sent: Ollama's `Tool` has the same envelope (Ollama API docs, Generate a chat
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 */
function functionTools(tools: unknown): unknown[] {
  if (!Array.isArray(tools)) throw invalidParam('tools', "'tools' must be an array");
  tools.forEach((tool: unknown, i) => {
    const t = (tool ?? {}) as { type?: unknown; function?: { name?: unknown } };
    if (t.type !== 'function' || typeof t.function?.name !== 'string') {
      throw invalidParam(
        `tools[${i}]`,
        `'tools[${i}]' must be a function tool ({"type":"function","function":{"name",...}}); Ollama has no other tool types`,
      );
    }
  });
  return tools;
}

/**
 * `response_format` → `format` (Ollama's own OpenAI translation, openai/openai.go:
 * https://github.com/ollama/ollama/blob/main/openai/openai.go): json_object → "json", json_schema → the schema
 * object.
 */
function formatOf(responseFormat: unknown): unknown {
  if (responseFormat === undefined || responseFormat === null) return undefined;
  const rf = responseFormat as { type?: unknown; json_schema?: { schema?: unknown } };
  if (rf.type === 'text') return undefined;
  if (rf.type === 'json_object') return 'json';
  if (rf.type === 'json_schema') {
    const schema = rf.json_schema?.schema;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw invalidParam(
        'response_format.json_schema.schema',
        "'response_format.json_schema.schema' must be an object",
      );
    }
    return schema;
  }
  throw invalidParam(
    'response_format',
    "'response_format.type' must be 'text', 'json_object' or 'json_schema'",
  );
}

function promptOf(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
  throw invalidParam(
    'prompt',
    "'prompt' must be a string (or an array of one string); Ollama takes neither prompt batches nor token ids",
  );
}
