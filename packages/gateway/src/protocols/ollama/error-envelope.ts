/**
 * Ollama's error envelope: `{"error": "<message>"}` with the HTTP status of the failure (Ollama API docs,
 * Errors: https://github.com/ollama/ollama/blob/main/docs/api.md#errors — "Errors are returned as JSON with an
 * `error` field"; the server's handlers answer 400 for a bad body, 404 `model '<name>' not found`).
 */
import type { GatewayError } from '../../core/errors.js';

/** The body of an Ollama error response. */
export interface OllamaErrorBody {
  error: string;
}

/**
 * Renders a gateway error in Ollama's envelope, keeping its status. A missing model reads as Ollama words it,
 * `model '<name>' not found`, when the name is known.
 * @param model the model name the client asked for, when the request named one
 */
export function ollamaError(error: GatewayError, model?: string): { status: number; body: OllamaErrorBody } {
  if (error.code === 'model_not_found' && model !== undefined) {
    return { status: 404, body: { error: `model '${model}' not found` } };
  }
  return { status: error.status, body: { error: error.message } };
}
