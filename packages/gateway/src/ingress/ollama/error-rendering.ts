/**
 * Error rendering for the routes Ollama clients call: Ollama's `{"error": "..."}` envelope with the failure's
 * status (protocols/ollama/error-envelope.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { ErrorRenderer } from '../../http/error-handler.js';
import { ollamaError } from '../../protocols/ollama/error-envelope.js';

/** Renders every error in Ollama's envelope; a missing model is named as the client named it. */
export const renderOllamaError: ErrorRenderer = (error, request) =>
  ollamaError(error, requestedModel(request));

/** The model a request body names (`model`, or the older `name`), when it names one. */
export function requestedModel(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const model = body?.model ?? body?.name;
  return typeof model === 'string' ? model : undefined;
}
