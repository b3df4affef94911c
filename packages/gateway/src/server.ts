import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from './config/schema.js';
import { newId } from './core/ids.js';
import { registerApiKeyAuth } from './http/auth.js';
import { registerJsonBodyParser } from './http/body-parser.js';
import { registerExpectationCheck, registerHostCheck } from './http/client-errors.js';
import type { ConfigControl } from './http/config-routes.js';
import { registerConfigRoutes } from './http/config-routes.js';
import { errorHandlingOptions, registerErrorHandling } from './http/error-handler.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { type InflightRequests, registerInflightTracking } from './http/inflight.js';
import { registerMetricsRoute } from './http/metrics-routes.js';
import { registerMultipartUploads } from './http/multipart-upload.js';
import { registerRequestLogRoutes } from './http/request-log-routes.js';
import { registerShutdownGate } from './http/shutdown-gate.js';
import {
  headerTimeoutOptions,
  limitConnections,
  registerBodyTimeout,
  type SlowClientLimits,
} from './http/slow-clients.js';
import { registerTenantAdmission } from './http/tenant-admission.js';
import { registerAdminRoutes } from './ingress/admin/routes.js';
import { registerAnthropicRoutes } from './ingress/anthropic/routes.js';
import { registerOllamaRoutes } from './ingress/ollama/routes.js';
import { registerOpenAIRoutes, registerRequestClock } from './ingress/openai/routes.js';
import { registerResponsesRoutes } from './ingress/responses/routes.js';
import { registerStoredChatRoutes } from './ingress/stored-chat/routes.js';
import { registerVllmRoutes } from './ingress/vllm/routes.js';
import type { ModelRegistry } from './routing/model-registry.js';
import type { Router } from './routing/router.js';
import type { Store } from './store/store.js';
import type { GatewayMetrics } from './telemetry/metrics.js';
import type { RequestLog } from './telemetry/request-log.js';
import type { KeyDirectory } from './tenancy/key-directory.js';

/** What the HTTP server needs. */
export interface ServerDeps {
  server: ServerConfig;
  registry: ModelRegistry;
  router: Router;
  /** Stored responses and chat completions. */
  store: Store;
  logger: Logger;
  /** Virtual keys (cached from the store). */
  keys: KeyDirectory;
  /** `server.master_key`, else env `SWITCHYARD_MASTER_KEY`. */
  masterKey?: string;
  /** Served on `/metrics`; the router records into them. */
  metrics: GatewayMetrics;
  /** The last finished requests, on `GET /-/requests`. */
  requestLog?: RequestLog;
  /** The running config: its status on `/health/providers`, reloads on `POST /-/reload`. */
  config?: ConfigControl;
}

/**
 * Builds the fastify app (and its in-flight request counter) with every route, the JSON body parser, auth and
 * OpenAI-envelope error handling (for parser, router and shutdown errors too), and the slow-client limits
 * (`server.header_timeout`, `body_timeout`, `max_connections`).
 * Request bodies are validated by compiled JSON Schemas without coercion, defaults or removal of fields.
 */
export function buildServer(deps: ServerDeps): { app: FastifyInstance; inflight: InflightRequests } {
  const limits = slowClientLimits(deps.server);
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.server.body_limit,
    requestIdHeader: 'x-request-id',
    genReqId: () => newId('req_', 8),
    return503OnClosing: false,
    http: headerTimeoutOptions(limits),
    ...errorHandlingOptions(),
    ajv: {
      customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false },
    },
  });
  if (limits.maxConnections !== undefined) limitConnections(app.server, limits.maxConnections);
  registerShutdownGate(app);
  registerHostCheck(app);
  registerExpectationCheck(app.server);
  registerBodyTimeout(app, limits);
  registerRequestClock(app);
  // Echo the request id (the client's X-Request-Id, else the generated one), on raw-written streams too.
  app.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader('x-request-id', request.id);
    done();
  });
  const inflight = registerInflightTracking(app);
  registerJsonBodyParser(app);
  registerMultipartUploads(app, deps.server.body_limit);
  registerApiKeyAuth(app, {
    staticKeys: deps.server.api_keys ?? [],
    ...(deps.masterKey === undefined ? {} : { masterKey: deps.masterKey }),
    virtualKeys: deps.keys,
    bodyLimit: deps.server.body_limit,
  });
  registerTenantAdmission(app);
  const routes = new Map([
    ...registerHealthRoutes(app, deps.registry, deps.config),
    ...(deps.config ? registerConfigRoutes(app, deps.config) : []),
    ...(deps.requestLog ? registerRequestLogRoutes(app, deps.requestLog) : []),
    ...registerMetricsRoute(app, deps.metrics),
    ...registerOpenAIRoutes(app, { registry: deps.registry, router: deps.router, store: deps.store }),
    ...registerVllmRoutes(app, { router: deps.router }),
    ...registerAnthropicRoutes(app, { registry: deps.registry, router: deps.router }),
    ...registerResponsesRoutes(app, { router: deps.router, store: deps.store }),
    ...registerStoredChatRoutes(app, deps.store),
    ...registerOllamaRoutes(app, { registry: deps.registry, router: deps.router }),
    ...registerAdminRoutes(app, { store: deps.store, keys: deps.keys }),
  ]);
  registerErrorHandling(app, routes);
  return { app, inflight };
}

/** The `server:` settings that bound slow and idle clients. */
function slowClientLimits(server: ServerConfig): SlowClientLimits {
  return {
    headerTimeoutMs: server.header_timeout,
    bodyTimeoutMs: server.body_timeout,
    bodyMinRate: server.body_min_rate,
    ...(server.max_connections === undefined ? {} : { maxConnections: server.max_connections }),
  };
}
