import type { FastifyInstance } from 'fastify';
import type { ModelRegistry } from '../../routing/model-registry.js';
import type { Router } from '../../routing/router.js';
import { handleCountTokens } from './count-tokens-route.js';
import { renderAnthropicError } from './error-rendering.js';
import { handleMessages } from './messages-route.js';
import { countTokensBody, messagesBody } from './request-schema.js';

/** Dependencies of the Anthropic routes. */
export interface AnthropicRouteDeps {
  registry: ModelRegistry;
  router: Router;
}

/**
 * Registers the Anthropic Messages API routes: `POST /v1/messages` (messages-route.ts) and
 * `POST /v1/messages/count_tokens` (count-tokens-route.ts). Every error
 * on them, from authentication to body validation, is rendered in Anthropic's envelope.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerAnthropicRoutes(
  app: FastifyInstance,
  deps: AnthropicRouteDeps,
): Map<string, string[]> {
  const config = { renderError: renderAnthropicError };
  app.post('/v1/messages', { schema: { body: messagesBody }, config }, (request, reply) =>
    handleMessages(request, reply, deps.router),
  );
  app.post('/v1/messages/count_tokens', { schema: { body: countTokensBody }, config }, (request, reply) =>
    handleCountTokens(request, reply, deps.router),
  );
  return new Map([
    ['/v1/messages', ['POST']],
    ['/v1/messages/count_tokens', ['POST']],
  ]);
}
