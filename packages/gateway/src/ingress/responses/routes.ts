import type { FastifyInstance } from 'fastify';
import { OPENAI_PREFIXES } from '../../http/openai-routes.js';
import { handleCreateResponse, type ResponsesDeps } from './create-route.js';

/**
 * Registers the Responses API routes (OpenAI API reference, Responses:
 * https://platform.openai.com/docs/api-reference/responses) under every OpenAI prefix (`/v1`, `/v1/openai/v1`):
 * `POST /responses`. Errors use OpenAI's envelope.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerResponsesRoutes(app: FastifyInstance, deps: ResponsesDeps): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  for (const prefix of OPENAI_PREFIXES) {
    app.post(`${prefix}/responses`, { schema: { body: { type: 'object' } } }, (request, reply) =>
      handleCreateResponse(request, reply, deps),
    );
    paths.set(`${prefix}/responses`, ['POST']);
  }
  return paths;
}
