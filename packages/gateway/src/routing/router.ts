import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { GatewayError } from '../core/errors.js';
import { ATTEMPTS_HEADER } from '../core/headers.js';
import type { AbortWatch } from '../providers/abort-switch.js';
import type { Endpoint, ProviderRequest, ProviderResponse } from '../providers/provider.js';
import { CapacityError } from './admission-queue.js';
import { Attempt } from './attempt.js';
import { fitCompletionBudget } from './completion-budget.js';
import { guardResponse } from './guarded-response.js';
import type { Deployment, ModelRegistry, ServedModel } from './model-registry.js';
import type { ObserveRequest, RequestObserver } from './observer.js';
import { checkRequestLimits, type RequestLimits } from './request-limits.js';
import { RequestScope } from './request-scope.js';
import { isRetryable, retryDelayMs } from './retry-policy.js';
import { pickDeployment } from './strategies.js';

/** What the HTTP layer hands to routing for one request. */
export interface RouteRequest {
  endpoint: Endpoint;
  body: Record<string, unknown>;
  rawBody?: Buffer;
  upload?: ProviderRequest['upload'];
  /** The model id the client asked for. */
  model: string;
  stream: boolean;
  /** The client connection, aborted by the HTTP layer when the client disconnects before the end. */
  client: AbortWatch;
  requestId: string;
  /** The client's request in its own protocol, for providers that speak it (see ProviderRequest.native). */
  native?: ProviderRequest['native'];
  /**
   * True: a completion budget the model's context cannot hold is lowered, not refused (completion-budget.ts;
   * see ProviderRequest.clampMaxTokens).
   */
  clampMaxTokens?: boolean;
  /** The client's W3C `traceparent` header, continued by tracing. */
  traceparent?: string;
}

/** A routed answer plus what routing did to get it. */
export interface RoutedResponse {
  response: ProviderResponse;
  /** Upstream attempts made (1 when the first deployment answered). */
  attempts: number;
  /** Milliseconds spent waiting on upstreams, admission queues and retry backoff across attempts. */
  upstreamWaitMs: number;
}

/** How often {@link Router.settled} looks at the requests it waits for, ms. */
const SETTLE_POLL_MS = 200;

/** After aborting the requests left at shutdown, how long to wait for them to wind up, ms. */
const ABORT_GRACE_MS = 1_000;

/** What one request's routing has gone through so far. */
interface Tally {
  attempts: number;
  waitMs: number;
  /** The last retryable upstream error. */
  lastError: GatewayError | undefined;
  /** Set when a deployment refused for capacity. */
  capacity: CapacityError | undefined;
  /** Smallest remaining cooldown among skipped deployments, ms. */
  coolingMs: number;
  /** True while every cooling deployment seen was cooled by a 429. */
  onlyRateLimited: boolean;
}

/**
 * Routes a request to a deployment of its model and, when that fails retryably before its first byte,
 * retries: the same deployment up to `max_retries` times (exponential backoff with jitter, at least the
 * upstream's `Retry-After` when within `retry_after_cap`, never past the request's deadline; after a 429,
 * another available deployment first), then the model's other deployments (chosen by its strategy), then
 * each model in `fallbacks`. Deployments that are cooling down or whose queue is full are skipped, except in
 * panic (see `choose`). When every deployment left is paused by upstream 429s, the request waits for the
 * first to come back, up to `retry_after_cap` in all. When nothing is left: the last upstream error, else
 * 429 (every deployment at capacity or rate limited), else 503 (every deployment cooling down, possible only
 * with `panic_threshold: 0`), with `Retry-After`. Requests with a streamed upload cannot be replayed and get
 * a single attempt.
 */
export class Router {
  private readonly active = new Set<RequestScope>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly onScopeClose = (scope: RequestScope): void => {
    this.active.delete(scope);
    scope.observer?.ended(scope.aborted, scope.reason);
    if (this.active.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  };

  /**
   * @param limits bounds on `n`, embeddings batches and completion budgets (request-limits.ts)
   * @param observe telemetry's per-request observer factory (observer.ts); none: nothing is reported
   */
  constructor(
    private readonly registry: ModelRegistry,
    private limits: RequestLimits,
    private readonly logger?: Logger,
    private readonly observe?: ObserveRequest,
  ) {}

  /** New requests are checked against `limits` (hot reload); requests already routed are not affected. */
  setLimits(limits: RequestLimits): void {
    this.limits = limits;
  }

  /**
   * Resolves once every request routing owns now is over (requests routed later are not waited for), or
   * after `timeoutMs`. Used to close the providers a reload replaced when nothing uses them any more.
   * @returns false when the timeout came first
   */
  async settled(timeoutMs: number): Promise<boolean> {
    const pending = new Set(this.active);
    if (pending.size === 0) return true;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const scope of pending) if (!this.active.has(scope)) pending.delete(scope);
      if (pending.size === 0) return true;
      await sleep(SETTLE_POLL_MS, undefined, { ref: false });
    }
    return false;
  }

  /** Requests routing owns right now (routing, queued, or streaming their response). */
  get inFlight(): number {
    return this.active.size;
  }

  /**
   * @throws GatewayError 404 naming the available ids when the model is unknown; 400 for a request over the
   *   limits (request-limits.ts); the upstream's error, 429 or
   *   503 when every option failed; the client signal's reason when the client went away
   */
  async dispatch(req: RouteRequest): Promise<RoutedResponse> {
    const observer = this.observe?.({
      endpoint: req.endpoint,
      model: req.model,
      stream: req.stream,
      body: req.body,
      ...(req.native ? { protocol: req.native.protocol } : {}),
      ...(req.traceparent ? { traceparent: req.traceparent } : {}),
    });
    let primary: ServedModel;
    try {
      primary = this.resolve(req.model);
      observer?.resolved(primary);
      checkRequestLimits(
        req.endpoint,
        req.body,
        this.limits,
        req.clampMaxTokens ? undefined : primary.maxModelLen,
      );
    } catch (err) {
      observer?.failed(err);
      observer?.ended(false, undefined);
      throw err;
    }
    const scope = new RequestScope(req.client, this.onScopeClose);
    scope.observer = observer;
    this.active.add(scope);
    const tally: Tally = {
      attempts: 0,
      waitMs: 0,
      lastError: undefined,
      capacity: undefined,
      coolingMs: Number.POSITIVE_INFINITY,
      onlyRateLimited: true,
    };
    try {
      let previous: ServedModel | undefined;
      for (const served of this.chain(primary)) {
        if (previous) fellBack(observer, previous, served);
        previous = served;
        const tried = new Set<Deployment>();
        let rateLimitWaitMs = 0;
        for (;;) {
          const d = this.choose(served, tried, tally);
          if (!d) {
            const wait = this.rateLimitWait(served, scope, served.routing.retryAfterCapMs - rateLimitWaitMs);
            if (wait === undefined || req.upload) break;
            await this.pause(wait, scope, tally);
            rateLimitWaitMs += wait;
            for (const t of tried) if (t.state.rateLimited) tried.delete(t);
            continue;
          }
          tried.add(d);
          const response = await this.tryDeployment(served, d, req, scope, tally);
          if (response) {
            observer?.responded(response);
            scope.respond();
            return { response, attempts: tally.attempts, upstreamWaitMs: tally.waitMs };
          }
          if (req.upload && tally.lastError) throw tally.lastError;
        }
      }
      throw this.exhausted(primary, tally);
    } catch (err) {
      observer?.failed(err);
      scope.close();
      if (err instanceof GatewayError && tally.attempts > 0)
        err.headers[ATTEMPTS_HEADER] = String(tally.attempts);
      throw err;
    }
  }

  /**
   * Shutdown after the drain timeout: aborts every request routing still owns with `reason()` (one still
   * routing answers with it; a stream ends with it as its final SSE error event) and waits up to a second
   * for them to wind up.
   */
  async abortAll(reason: () => GatewayError): Promise<void> {
    if (this.active.size === 0) return;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    for (const scope of this.active) scope.abort(reason());
    await Promise.race([idle, sleep(ABORT_GRACE_MS, undefined, { ref: false })]);
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

  /** The model, then its fallbacks that exist (each once). */
  private *chain(primary: ServedModel): Generator<ServedModel> {
    yield primary;
    const fallbacks = primary.routing.fallbacks;
    if (fallbacks.length === 0) return;
    const seen = new Set([primary.id]);
    for (const id of fallbacks) {
      if (seen.has(id)) continue;
      seen.add(id);
      const served = this.registry.get(id);
      if (served) yield served;
      else this.logger?.warn({ model: primary.id, fallback: id }, 'fallback model is not served; skipped');
    }
  }

  /**
   * Picks among deployments not tried yet, not cooling down and not saturated. In panic (fewer than
   * `panic_threshold` % of the model's deployments available, as Envoy's healthy panic threshold), the
   * deployments cooling after failures are candidates too, so failures never take every deployment out at
   * once; deployments paused by an upstream 429 are waited for instead (see {@link rateLimitWait}).
   */
  private choose(served: ServedModel, tried: ReadonlySet<Deployment>, tally: Tally): Deployment | undefined {
    const now = Date.now();
    const candidates: Deployment[] = [];
    const cooling: Deployment[] = [];
    let available = 0;
    for (const d of served.deployments) {
      const up = d.state.isAvailable(now);
      if (up) available++;
      if (tried.has(d)) continue;
      if (!up) {
        tally.coolingMs = Math.min(tally.coolingMs, d.state.coolingRemainingMs(now));
        if (!d.state.rateLimited) {
          tally.onlyRateLimited = false;
          cooling.push(d);
        }
      } else if (d.state.saturated) {
        tally.capacity ??= new CapacityError(`Deployment queue is full`, 'queue_full', 1);
      } else candidates.push(d);
    }
    const panic = available * 100 < served.routing.panicThreshold * served.deployments.length;
    if (panic) for (const d of cooling) if (!d.state.saturated) candidates.push(d);
    if (candidates.length === 0) return undefined;
    return pickDeployment(served.routing.strategy, candidates, served.rotation);
  }

  /**
   * When the only deployments left are paused by upstream 429s, how long until the first of them may be
   * tried again (ms); undefined when another reason blocks them, or the pause is longer than `budgetMs` (what
   * is left of `retry_after_cap` for this request) or than the request's remaining time.
   */
  private rateLimitWait(served: ServedModel, scope: RequestScope, budgetMs: number): number | undefined {
    const now = Date.now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const d of served.deployments) {
      if (d.state.isAvailable(now) || !d.state.rateLimited) continue;
      soonest = Math.min(soonest, d.state.coolingRemainingMs(now));
    }
    if (!Number.isFinite(soonest)) return undefined;
    const wait = Math.max(1, soonest);
    return wait <= budgetMs && wait < scope.remaining() ? wait : undefined;
  }

  /** Sleeps `ms` on the request's behalf; throws the request's abort reason when it is aborted meanwhile. */
  private async pause(ms: number, scope: RequestScope, tally: Tally): Promise<void> {
    await sleep(ms, undefined, { signal: scope.signal }).catch(() => {
      throw scope.reason;
    });
    tally.waitMs += ms;
  }

  /**
   * Calls one deployment, retrying it after retryable failures while its retries, the request's deadline
   * and the deployment's health allow.
   * @returns the guarded response, or undefined to move on to the next deployment
   */
  private async tryDeployment(
    served: ServedModel,
    d: Deployment,
    req: RouteRequest,
    scope: RequestScope,
    tally: Tally,
  ): Promise<ProviderResponse | undefined> {
    scope.fixDeadline(d.timeouts.total);
    for (let retry = 0; ; retry++) {
      if (scope.remaining() <= 0) throw tally.lastError ?? deadlineError();
      if (!d.state.tryAdmit()) {
        const waitStart = performance.now();
        try {
          await d.state.admit(scope.signal, Math.min(d.state.settings.queueTimeoutMs, scope.remaining()));
        } catch (err) {
          if (!(err instanceof CapacityError)) throw err;
          tally.capacity = err;
          return undefined;
        } finally {
          tally.waitMs += performance.now() - waitStart;
        }
      }
      tally.attempts++;
      const attempt = new Attempt(d, scope);
      try {
        const call: ProviderRequest = {
          endpoint: req.endpoint,
          body:
            req.clampMaxTokens && !d.provider.clampsMaxTokens
              ? fitCompletionBudget(req.body, served.maxModelLen)
              : req.body,
          rawBody: req.rawBody,
          upload: req.upload,
          clientModel: req.model,
          model: d.model,
          stream: req.stream,
          abort: attempt.abortWatch,
          requestId: req.requestId,
          options: d.options,
          timing: attempt.timing,
        };
        if (req.native) call.native = req.native;
        if (req.clampMaxTokens) call.clampMaxTokens = true;
        if (attempt.traceparent) call.traceparent = attempt.traceparent;
        const response = await d.provider.handle(call);
        const guarded = await guardResponse(response, attempt);
        tally.waitMs += attempt.timing.waitMs;
        return guarded;
      } catch (thrown) {
        const err = attempt.fail(thrown);
        attempt.end(err);
        tally.waitMs += attempt.timing.waitMs;
        if (scope.aborted) throw scope.reason;
        if (!isRetryable(err)) throw err;
        tally.lastError = err;
        if (req.upload || retry >= served.routing.maxRetries) return undefined;
        // A rate-limited deployment is not waited for while another one can serve.
        if (err.status === 429 && this.hasOtherAvailable(served, d)) return undefined;
        const delay = retryDelayMs(err, retry, served.routing.retryAfterCapMs);
        if (delay === undefined || delay >= scope.remaining()) return undefined;
        await this.pause(delay, scope, tally);
        if (!d.state.isAvailable(Date.now())) return undefined;
        scope.observer?.retried(d);
      }
    }
  }

  /** True when a deployment of `served` other than `d` could take a request now. */
  private hasOtherAvailable(served: ServedModel, d: Deployment): boolean {
    const now = Date.now();
    return served.deployments.some((o) => o !== d && o.state.isAvailable(now) && !o.state.saturated);
  }

  /** The error for a request every option refused. */
  private exhausted(primary: ServedModel, tally: Tally): GatewayError {
    if (tally.lastError) return tally.lastError;
    if (tally.capacity) {
      return new CapacityError(
        `Every deployment of model '${primary.id}' is at capacity (max_concurrency and queue full); retry later`,
        tally.capacity.code as 'queue_full' | 'queue_timeout',
        1,
      );
    }
    const seconds = Number.isFinite(tally.coolingMs) ? Math.max(1, Math.ceil(tally.coolingMs / 1000)) : 1;
    if (tally.onlyRateLimited) {
      return new GatewayError(
        429,
        `Every deployment of model '${primary.id}' is rate limited upstream; retry in ${seconds} s`,
        { code: 'deployments_rate_limited', headers: { 'retry-after': String(seconds) } },
      );
    }
    return new GatewayError(
      503,
      `Every deployment of model '${primary.id}' is cooling down after failures; retry in ${seconds} s`,
      { code: 'deployments_cooling_down', headers: { 'retry-after': String(seconds) } },
    );
  }
}

function fellBack(observer: RequestObserver | undefined, from: ServedModel, to: ServedModel): void {
  observer?.fellBack(from, to);
  observer?.resolved(to);
}

function deadlineError(): GatewayError {
  return new GatewayError(504, 'The request exceeded its total time limit (timeouts.total)', {
    code: 'upstream_timeout',
  });
}
