/**
 * JSON Schema of the `POST /v1/messages` body, compiled once by fastify's Ajv: what the Anthropic API
 * requires (Anthropic API reference, Messages: https://docs.anthropic.com/en/api/messages: `model`,
 * `max_tokens` and `messages` are required). Lenient otherwise: unknown fields pass, nothing is coerced.
 */
const stringOrArray = { anyOf: [{ type: 'string' }, { type: 'array' }] };

/** `POST /v1/messages`. */
export const messagesBody = {
  type: 'object',
  required: ['model', 'max_tokens', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    max_tokens: { type: 'integer', minimum: 1 },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: { role: { type: 'string' }, content: stringOrArray },
      },
    },
    stream: { type: 'boolean' },
    system: stringOrArray,
    stop_sequences: { type: 'array', items: { type: 'string' } },
    temperature: { type: 'number', minimum: 0, maximum: 1 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 0 },
    tools: { type: 'array', items: { type: 'object' } },
    tool_choice: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
    metadata: { type: 'object' },
  },
} as const;

/** `POST /v1/messages/count_tokens` (Anthropic API reference, Count tokens): no `max_tokens`. */
export const countTokensBody = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: messagesBody.properties.model,
    messages: messagesBody.properties.messages,
    system: messagesBody.properties.system,
    tools: messagesBody.properties.tools,
    tool_choice: messagesBody.properties.tool_choice,
  },
} as const;
