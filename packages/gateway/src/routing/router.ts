import { GatewayError, UpstreamError } from '../http/errors.js';
import type { Endpoint, ProviderRequest, ProviderResponse } from '../providers/provider.js';
import type { ModelRegistry, ServedModel } from './model-registry.js';

/** What the HTTP layer hands to routing for one request. */
export interface RouteRequest {
  endpoint: Endpoint;
  body: Record<string, unknown>;
  rawBody?: Buffer;
  upload?: ProviderRequest['upload'];
  /** The model id the client asked for. */
  model: string;
  stream: boolean;
  signal: AbortSignal;
  requestId: string;
}

/** A routed answer plus what routing did to get it. */
export interface RoutedResponse {
  response: ProviderResponse;
  /** Upstream attempts made (1 when the first deployment answered). */
  attempts: number;
  /** Milliseconds spent waiting on upstreams across attempts. */
  upstreamWaitMs: number;
}

/**
 * Resolves a model id to its deployments and calls them in order: when one fails with a retryable
 * {@link UpstreamError} before answering, the next deployment is tried; the last error is raised.
 */
export class Router {
  constructor(private readonly registry: ModelRegistry) {}

  /**
   * @throws GatewayError 404 naming the available ids when the model is unknown; the provider's error otherwise
   */
  async dispatch(req: RouteRequest): Promise<RoutedResponse> {
    const served = this.resolve(req.model);
    let attempts = 0;
    let waitMs = 0;
    let lastError: unknown;
    for (const deployment of served.deployments) {
      attempts++;
      const timing = { waitMs: 0 };
      try {
        const response = await deployment.provider.handle({
          endpoint: req.endpoint,
          body: req.body,
          ...(req.rawBody ? { rawBody: req.rawBody } : {}),
          ...(req.upload ? { upload: req.upload } : {}),
          clientModel: req.model,
          model: deployment.model,
          stream: req.stream,
          signal: req.signal,
          requestId: req.requestId,
          options: served.options,
          timing,
        });
        return { response, attempts, upstreamWaitMs: waitMs + timing.waitMs };
      } catch (err) {
        waitMs += timing.waitMs;
        lastError = err;
        if (!(err instanceof UpstreamError && err.retryable) || req.signal.aborted) throw err;
      }
    }
    throw lastError;
  }

  /** @throws GatewayError 404 listing the served ids */
  resolve(model: string): ServedModel {
    const served = this.registry.get(model);
    if (served) return served;
    const ids = this.registry
      .list()
      .map((m) => m.id)
      .join(', ');
    throw new GatewayError(404, `The model '${model}' does not exist. Available models: ${ids || '(none)'}`, {
      param: 'model',
      code: 'model_not_found',
    });
  }
}
