/**
 * JSON Schemas of vLLM's extra request bodies (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html). Like the OpenAI schemas they check only what
 * routing and every provider need (`model`, the required inputs and their basic types), accept `null` for optional
 * fields, and let unknown fields through untouched (`priority`, `use_activation`, `mm_processor_kwargs`, ...).
 * `model` is required here although vLLM makes it optional: the gateway routes by it.
 */

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const model = { type: 'string', minLength: 1 };
const flag = nullable({ type: 'boolean' });
const tokenIds = { type: 'array', items: { type: 'integer', minimum: 0 } };
const messages = {
  type: 'array',
  minItems: 1,
  items: { type: 'object', required: ['role'], properties: { role: { type: 'string' } } },
};
/** `ScoreMultiModalParam` (`{content: [...]}`) is passed on unchecked. */
const multiModal = { type: 'object' };

/**
 * `POST /tokenize` (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api): completion style (`prompt`) or
 * chat style (`messages`).
 */
export const tokenizeBody = {
  type: 'object',
  required: ['model'],
  anyOf: [{ required: ['prompt'] }, { required: ['messages'] }],
  properties: {
    model,
    prompt: { type: 'string' },
    messages,
    add_special_tokens: flag,
    return_token_strs: flag,
    add_generation_prompt: flag,
    continue_final_message: flag,
    tools: nullable({ type: 'array' }),
    chat_template: nullable({ type: 'string' }),
    chat_template_kwargs: nullable({ type: 'object' }),
  },
} as const;

/**
 * `POST /detokenize` (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api).
 */
export const detokenizeBody = {
  type: 'object',
  required: ['model', 'tokens'],
  properties: { model, tokens: tokenIds },
} as const;

/**
 * `POST /pooling` (vLLM docs, Pooling API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#pooling-api): completion form (`input`) or
 * chat form (`messages`).
 */
export const poolingBody = {
  type: 'object',
  required: ['model'],
  anyOf: [{ required: ['input'] }, { required: ['messages'] }],
  properties: {
    model,
    input: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' } },
        { type: 'array', minItems: 1, items: { type: 'integer' } },
        { type: 'array', minItems: 1, items: tokenIds },
      ],
    },
    messages,
    encoding_format: nullable({ type: 'string', enum: ['float', 'base64'] }),
    dimensions: nullable({ type: 'integer', minimum: 1 }),
    add_special_tokens: flag,
    normalize: flag,
  },
} as const;

/**
 * `POST /classify` (vLLM docs, Classification API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#classification-api).
 */
export const classifyBody = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model,
    input: { anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }] },
  },
} as const;

const scoreSide = {
  anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }, multiModal],
};

/**
 * `POST /score`, `POST /v1/score` (vLLM docs, Score API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#score-api).
 */
export const scoreBody = {
  type: 'object',
  required: ['model', 'text_1', 'text_2'],
  properties: { model, text_1: scoreSide, text_2: scoreSide },
} as const;

/**
 * `POST /rerank`, `/v1/rerank`, `/v2/rerank` (vLLM docs, Re-rank API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api). `top_n` 0 means every document.
 */
export const rerankBody = {
  type: 'object',
  required: ['model', 'query', 'documents'],
  properties: {
    model,
    query: { anyOf: [{ type: 'string' }, multiModal] },
    documents: { anyOf: [{ type: 'array', items: { type: 'string' } }, multiModal] },
    top_n: nullable({ type: 'integer', minimum: 0 }),
  },
} as const;
