import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/errors.js';
import { answerFailure } from '../../http/error-handler.js';
import { chatCompletionBody, completionBody, embeddingBody } from '../../http/request-schemas.js';
import { writeRouted } from '../../http/respond.js';
import { traceContext } from '../../http/trace-context.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { Endpoint } from '../../providers/provider.js';
import type { ModelRegistry, ServedModel } from '../../routing/model-registry.js';
import type { Router } from '../../routing/router.js';
import type { Store } from '../../store/store.js';
import { isAnthropicRequest, renderByVersionHeader } from '../anthropic/error-rendering.js';
import { anthropicModelInfo, anthropicModelPage } from '../anthropic/model-list.js';
import { recordChatCompletion } from '../stored-chat/record-completion.js';

/** Route prefixes: OpenAI's, and Llama Stack's OpenAI-compatible path. */
export const OPENAI_PREFIXES = ['/v1', '/v1/openai/v1'] as const;

/** Dependencies of the OpenAI routes. */
export interface OpenAIRouteDeps {
  registry: ModelRegistry;
  router: Router;
  /** Where `store: true` chat completions are recorded. */
  store?: Store;
}

/**
 * Registers `GET /models`, `GET /models/{id}`, `POST /chat/completions`, `POST /completions` and
 * `POST /embeddings` under every prefix in {@link OPENAI_PREFIXES}. Model ids may contain `/`. The model
 * routes answer in Anthropic's shape and error envelope when the request carries `anthropic-version`.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerOpenAIRoutes(app: FastifyInstance, deps: OpenAIRouteDeps): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const modelsConfig = { renderError: renderByVersionHeader };
  const posts: [string, Endpoint, object][] = [
    ['/chat/completions', 'chat.completions', chatCompletionBody],
    ['/completions', 'completions', completionBody],
    ['/embeddings', 'embeddings', embeddingBody],
  ];
  for (const prefix of OPENAI_PREFIXES) {
    app.get(`${prefix}/models`, { config: modelsConfig }, async (request) =>
      isAnthropicRequest(request)
        ? anthropicModelPage(deps.registry.list(), request.query as Record<string, unknown>)
        : { object: 'list', data: deps.registry.list().map(modelObject) },
    );
    app.get(
      `${prefix}/models/*`,
      { config: modelsConfig },
      async (request: FastifyRequest<{ Params: { '*': string } }>) => {
        const id = decodeURIComponent(request.params['*']);
        const served = deps.registry.get(id);
        if (!served) {
          throw new GatewayError(404, `The model '${id}' does not exist`, {
            param: 'model',
            code: 'model_not_found',
          });
        }
        return isAnthropicRequest(request) ? anthropicModelInfo(served) : modelObject(served);
      },
    );
    paths.set(`${prefix}/models`, ['GET']);
    paths.set(`${prefix}/models/*`, ['GET']);
    for (const [path, endpoint, schema] of posts) {
      app.post(`${prefix}${path}`, { schema: { body: schema } }, (request, reply) =>
        handleInference(endpoint, request, reply, deps.router, deps.store),
      );
      paths.set(`${prefix}${path}`, ['POST']);
    }
  }
  return paths;
}

/**
 * Serves one inference request: routes it, writes the answer, and aborts the upstream call when the client
 * disconnects first. A chat completion with `store: true` is recorded in `store` (which must be reachable:
 * else 503). Never throws after taking over the socket: failures are written as the OpenAI envelope.
 * @throws StoreUnavailableError 503 for `store: true` when the store is down
 */
export async function handleInference(
  endpoint: Endpoint,
  request: FastifyRequest,
  reply: FastifyReply,
  router: Router,
  store?: Store,
): Promise<void> {
  const body = request.body as Record<string, unknown>;
  const recorder = endpoint === 'chat.completions' && body.store === true ? store : undefined;
  if (recorder) await recorder.ready();
  const res = reply.raw;
  const client = new AbortSwitch();
  res.once('close', () => {
    if (!res.writableFinished) client.abort();
  });
  reply.hijack();
  try {
    const routed = await router.dispatch({
      endpoint,
      body,
      rawBody: request.rawBody ?? undefined,
      upload: request.upload ?? undefined,
      model: body.model as string,
      stream: body.stream === true,
      client,
      requestId: request.id,
      ...traceContext(request),
    });
    if (recorder) routed.response = await recordChatCompletion(recorder, body, routed.response, request.log);
    request.server.metrics.observeOverhead(endpoint, await writeRouted(res, routed, request));
  } catch (err) {
    answerFailure(reply, client, err);
  }
}

/** A served model as an OpenAI model object, plus `capabilities` and `max_model_len` when known. */
function modelObject(m: ServedModel) {
  return {
    id: m.id,
    object: 'model',
    created: m.created,
    owned_by: m.ownedBy,
    ...(m.capabilities ? { capabilities: m.capabilities } : {}),
    ...(m.maxModelLen ? { max_model_len: m.maxModelLen } : {}),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** `performance.now()` when the request arrived, ms. */
    startedAt: number;
  }
}

/**
 * Stamps each request with its arrival time (for the overhead header). A callback hook, not an async one:
 * fastify would otherwise create and await a promise per request.
 */
export function registerRequestClock(app: FastifyInstance): void {
  app.decorateRequest('startedAt', 0);
  app.addHook('onRequest', (request, _reply, done) => {
    request.startedAt = performance.now();
    done();
  });
}
