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
