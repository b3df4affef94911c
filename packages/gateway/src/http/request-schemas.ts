/**
 * JSON Schemas of the OpenAI request bodies, compiled once by fastify's Ajv. They check what every
 * OpenAI-compatible server agrees on (OpenAI API reference: https://platform.openai.com/docs/api-reference) and stay
 * lenient: unknown fields pass (vLLM's `guided_choice`, `top_k`, ...), `null` is accepted wherever a field is
 * optional, and nothing is coerced or defaulted, so the body reaches the provider exactly as sent.
 */

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

const stop = nullable({
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
});

const sampling = {
  model: { type: 'string', minLength: 1 },
  stream: nullable({ type: 'boolean' }),
  stream_options: nullable({ type: 'object' }),
  temperature: nullable({ type: 'number', minimum: 0 }),
  top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
  n: nullable({ type: 'integer', minimum: 1 }),
  stop,
  seed: nullable({ type: 'integer' }),
  presence_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  frequency_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  logit_bias: nullable({ type: 'object' }),
  user: nullable({ type: 'string' }),
};

/**
 * `POST /v1/chat/completions` (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create).
 */
export const chatCompletionBody = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    ...sampling,
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role'],
        properties: {
          role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
        },
      },
    },
    max_tokens: nullable({ type: 'integer', minimum: 1 }),
    max_completion_tokens: nullable({ type: 'integer', minimum: 1 }),
    logprobs: nullable({ type: 'boolean' }),
    top_logprobs: nullable({ type: 'integer', minimum: 0, maximum: 20 }),
    tools: nullable({
      type: 'array',
      items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
    }),
    tool_choice: nullable({ anyOf: [{ type: 'string' }, { type: 'object' }] }),
    parallel_tool_calls: nullable({ type: 'boolean' }),
    response_format: nullable({
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string' } },
    }),
  },
} as const;

const prompt = {
  anyOf: [
    { type: 'string' },
    { type: 'array', minItems: 1, items: { type: 'string' } },
    { type: 'array', minItems: 1, items: { type: 'integer' } },
    { type: 'array', minItems: 1, items: { type: 'array', items: { type: 'integer' } } },
  ],
};

/**
 * `POST /v1/completions` (OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create). `max_tokens: 0` is allowed (prompt scoring with
 * echo). */
export const completionBody = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    ...sampling,
    prompt,
    max_tokens: nullable({ type: 'integer', minimum: 0 }),
    logprobs: nullable({ type: 'integer', minimum: 0, maximum: 20 }),
    echo: nullable({ type: 'boolean' }),
    best_of: nullable({ type: 'integer', minimum: 1 }),
    suffix: nullable({ type: 'string' }),
  },
} as const;

/**
 * `POST /v1/embeddings` (OpenAI API reference, Create embeddings:
 * https://platform.openai.com/docs/api-reference/embeddings/create).
 */
export const embeddingBody = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: prompt,
    encoding_format: nullable({ type: 'string', enum: ['float', 'base64'] }),
    dimensions: nullable({ type: 'integer', minimum: 1 }),
    user: nullable({ type: 'string' }),
  },
} as const;
