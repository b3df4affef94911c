import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Router } from '../../routing/router.js';
import type { Store } from '../../store/store.js';
import { OPENAI_PREFIXES } from '../openai/routes.js';
import { BackgroundResponses } from './background-responses.js';
import { handleCreateResponse, type ResponsesDeps } from './create-route.js';
import { countInputTokens } from './input-tokens-route.js';
import { deleteResponse, getResponse, listInputItems } from './state-routes.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>;

/**
 * Registers the Responses API routes (OpenAI API reference, Responses:
 * https://platform.openai.com/docs/api-reference/responses) under every OpenAI prefix (`/v1`, `/v1/openai/v1`):
 * `POST /responses`, `POST /responses/input_tokens`, `GET` and `DELETE /responses/{id}`,
 * `GET /responses/{id}/input_items`, `POST /responses/{id}/cancel`. Errors use OpenAI's envelope.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerResponsesRoutes(
  app: FastifyInstance,
  deps: { router: Router; store: Store },
): Map<string, string[]> {
  const all: ResponsesDeps = { ...deps, background: new BackgroundResponses(deps.router, deps.store) };
  const body = { schema: { body: { type: 'object' } } };
  const paths = new Map<string, string[]>();
  for (const prefix of OPENAI_PREFIXES) {
    const base = `${prefix}/responses`;
    app.post(base, body, (request, reply) => handleCreateResponse(request, reply, all));
    app.post(`${base}/input_tokens`, body, (request) => countInputTokens(request, all));
    app.get(`${base}/:id`, (request: IdRequest, reply) => getResponse(deps.store, request, reply));
    app.delete(`${base}/:id`, (request: IdRequest) => deleteResponse(deps.store, request));
    app.get(`${base}/:id/input_items`, (request: IdRequest) => listInputItems(deps.store, request));
    app.post(`${base}/:id/cancel`, (request: IdRequest) => all.background.cancel(request.params.id));
    paths.set(base, ['POST']);
    paths.set(`${base}/input_tokens`, ['POST']);
    paths.set(`${base}/:id`, ['GET', 'DELETE']);
    paths.set(`${base}/:id/input_items`, ['GET']);
    paths.set(`${base}/:id/cancel`, ['POST']);
  }
  return paths;
}
