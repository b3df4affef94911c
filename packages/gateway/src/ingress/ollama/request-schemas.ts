/**
 * JSON Schemas of the Ollama request bodies, compiled once by fastify's Ajv: the field types of the Ollama API
 * docs (https://github.com/ollama/ollama/blob/main/docs/api.md) and its Go types (api/types.go). Lenient
 * otherwise, as Ollama is: unknown fields pass, nothing is coerced.
 */

/** `POST /api/show`: `model` (or the older `name`). */
export const showBody = {
  type: 'object',
  properties: {
    model: { type: 'string' },
    name: { type: 'string' },
    verbose: { type: 'boolean' },
    system: { type: 'string' },
    options: { type: 'object' },
  },
} as const;

const options = { type: 'object' };
const keepAlive = { anyOf: [{ type: 'string' }, { type: 'number' }] };
const think = { anyOf: [{ type: 'boolean' }, { type: 'string' }] };
const format = { anyOf: [{ type: 'string' }, { type: 'object' }] };
const images = { type: 'array', items: { type: 'string' } };

/** `POST /api/chat` (Ollama API docs, Generate a chat completion). */
export const chatBody = {
  type: 'object',
  required: ['model'],
  properties: {
    model: { type: 'string', minLength: 1 },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role'],
        properties: {
          role: { type: 'string' },
          content: { type: 'string' },
          thinking: { type: 'string' },
          images,
          tool_calls: { type: 'array', items: { type: 'object' } },
          tool_name: { type: 'string' },
          tool_call_id: { type: 'string' },
        },
      },
    },
    tools: { type: 'array', items: { type: 'object' } },
    format,
    options,
    stream: { type: 'boolean' },
    keep_alive: keepAlive,
    think,
    logprobs: { type: 'boolean' },
    top_logprobs: { type: 'integer', minimum: 0 },
  },
} as const;

/** `POST /api/generate` (Ollama API docs, Generate a completion). */
export const generateBody = {
  type: 'object',
  required: ['model'],
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: { type: 'string' },
    suffix: { type: 'string' },
    system: { type: 'string' },
    template: { type: 'string' },
    context: { type: 'array', items: { type: 'integer' } },
    images,
    format,
    options,
    raw: { type: 'boolean' },
    stream: { type: 'boolean' },
    keep_alive: keepAlive,
    think,
    logprobs: { type: 'boolean' },
    top_logprobs: { type: 'integer', minimum: 0 },
  },
} as const;

/** `POST /api/embed` (Ollama API docs, Generate Embeddings): `input` a string or a non-empty list of strings. */
export const embedBody = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: { anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }] },
    truncate: { type: 'boolean' },
    dimensions: { type: 'integer', minimum: 1 },
    options,
    keep_alive: keepAlive,
  },
} as const;

/** `POST /api/embeddings` (Ollama API docs, Generate Embedding, legacy): one `prompt`. */
export const embeddingsBody = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: { type: 'string' },
    options,
    keep_alive: keepAlive,
  },
} as const;

/** `POST /api/pull` (Ollama API docs, Pull a Model): `model`, or the older `name` that ollama-js sends. */
export const pullBody = {
  type: 'object',
  properties: {
    model: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    insecure: { type: 'boolean' },
    stream: { type: 'boolean' },
  },
} as const;

/** `DELETE /api/delete` (Ollama API docs, Delete a Model). */
export const deleteBody = {
  type: 'object',
  properties: { model: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
} as const;

/** `POST /api/copy` (Ollama API docs, Copy a Model). */
export const copyBody = {
  type: 'object',
  required: ['source', 'destination'],
  properties: {
    source: { type: 'string', minLength: 1 },
    destination: { type: 'string', minLength: 1 },
  },
} as const;

/** `POST /api/create` (Ollama API docs, Create a Model). */
export const createBody = {
  type: 'object',
  properties: {
    model: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    from: { type: 'string', minLength: 1 },
    files: { type: 'object', additionalProperties: { type: 'string' } },
    adapters: { type: 'object', additionalProperties: { type: 'string' } },
    template: { type: 'string' },
    license: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    system: { type: 'string' },
    parameters: { type: 'object' },
    messages: { type: 'array', items: { type: 'object' } },
    quantize: { type: 'string' },
    stream: { type: 'boolean' },
  },
} as const;
