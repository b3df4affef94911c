/**
 * Records each routed request in the gateway's metrics (metrics.ts) as routing reports it (routing/observer.ts).
 * Off the hot path: a request only fills in a few fields as it goes; the samples are taken once when it
 * ends, on label children bound once per series and cached (prom-client's `labels()` hashes its labels on
 * every call).
 */
import { performance } from 'node:perf_hooks';
import type { Counter, Histogram } from 'prom-client';
import { GatewayError } from '../core/errors.js';
import type { Endpoint, ProviderResponse } from '../providers/provider.js';
import type { DeploymentState } from '../routing/deployment-state.js';
import type { Deployment, ServedModel } from '../routing/model-registry.js';
import type {
  CooldownReason,
  ObservedRequest,
  ObserveRequest,
  RequestObserver,
} from '../routing/observer.js';
import type { GatewayMetrics } from './metrics.js';
import { scanUsage, type TokenUsage } from './usage-scan.js';

/** Label value of requests for a model the gateway does not serve (bounded cardinality). */
export const UNKNOWN_MODEL = 'unknown';
/** Status label of a request whose client went away before its answer (nginx's convention). */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * `gen_ai.operation.name` per endpoint: the conventions' well-known values where one fits (OpenTelemetry,
 * "Semantic conventions for generative AI spans", gen_ai.operation.name), else the endpoint's name.
 */
const OPERATIONS: Partial<Record<Endpoint, string>> = {
  'chat.completions': 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
};

/** `gen_ai.operation.name` of an endpoint. */
export function operationName(endpoint: Endpoint): string {
  return OPERATIONS[endpoint] ?? endpoint;
}

/** What a finished request knows; shared with the tracer and the dashboard's request log. */
export interface FinishedRequest {
  /** The endpoint, or the client protocol an ingress translated (`anthropic`, `openai-responses`, `ollama`). */
  route: string;
  operation: string;
  /** The client's model id. */
  requestedModel: string;
  /** The served model the client asked for, if the id resolved (a fallback's answer counts under it). */
  model: string | undefined;
  provider: string | undefined;
  /** Upstream model name of the deployment that answered last. */
  deployment: string | undefined;
  stream: boolean;
  status: number;
  /** '' on success. */
  errorCode: string;
  /** Tokens, -1 when not reported. */
  promptTokens: number;
  completionTokens: number;
  /** Routing → end of the answer, ms. */
  durationMs: number;
  /** Routing → first byte of the answer, ms; -1 when none arrived. */
  ttftMs: number;
  /** Upstream attempts made. */
  attempts: number;
}

/** Receives every finished request (the dashboard's log). */
export type FinishedRequestSink = (request: FinishedRequest) => void;

interface RequestSeries {
  requests: Counter.Internal;
  duration: Histogram.Internal<string>;
}

interface AnswerSeries {
  ttft: Histogram.Internal<string>;
  tpot: Histogram.Internal<string>;
  inputTokens: Histogram.Internal<string>;
  outputTokens: Histogram.Internal<string>;
  promptTokens: Counter.Internal;
  completionTokens: Counter.Internal;
}

interface DeploymentSeries {
  success: Counter.Internal;
  failure: Counter.Internal;
  retries: Counter.Internal;
  errors: Map<string, Counter.Internal>;
  cooldowns: Map<CooldownReason, Counter.Internal>;
}

/**
 * The router's observer factory recording into `metrics`.
 * @param sink also told about each finished request (the dashboard), when given
 */
export function observeRequestMetrics(metrics: GatewayMetrics, sink?: FinishedRequestSink): ObserveRequest {
  const series = new SeriesCache(metrics);
  return (request) => new RequestRecord(request, series, sink);
}

/** Label children bound once per label set. */
class SeriesCache {
  private readonly requests = new Map<string, RequestSeries>();
  private readonly answers = new Map<string, AnswerSeries>();
  private readonly deployments = new WeakMap<DeploymentState, DeploymentSeries>();
  private readonly fallbacks = new Map<string, Counter.Internal>();

  constructor(readonly metrics: GatewayMetrics) {}

  request(r: FinishedRequest): RequestSeries {
    const provider = r.provider ?? '';
    const deployment = r.deployment ?? '';
    const model = r.model ?? UNKNOWN_MODEL;
    const key = `${r.route}\0${model}\0${provider}\0${deployment}\0${r.status}\0${r.errorCode}`;
    let s = this.requests.get(key);
    if (!s) {
      const { metrics } = this;
      s = {
        requests: metrics.requests.labels(
          r.route,
          model,
          provider,
          deployment,
          String(r.status),
          r.errorCode,
        ),
        duration: metrics.duration.labels(r.operation, provider, model, deployment, r.errorCode),
      };
      this.requests.set(key, s);
    }
    return s;
  }

  answer(r: FinishedRequest): AnswerSeries {
    const provider = r.provider ?? '';
    const deployment = r.deployment ?? '';
    const model = r.model ?? UNKNOWN_MODEL;
    const key = `${r.operation}\0${model}\0${provider}\0${deployment}`;
    let s = this.answers.get(key);
    if (!s) {
      const { metrics } = this;
      const genAi = [r.operation, provider, model, deployment];
      s = {
        ttft: metrics.timeToFirstToken.labels(...genAi),
        tpot: metrics.timePerOutputToken.labels(...genAi),
        inputTokens: metrics.tokenUsage.labels(...genAi, 'input'),
        outputTokens: metrics.tokenUsage.labels(...genAi, 'output'),
        promptTokens: metrics.tokens.labels(model, provider, 'prompt'),
        completionTokens: metrics.tokens.labels(model, provider, 'completion'),
      };
      this.answers.set(key, s);
    }
    return s;
  }

  deployment(d: Deployment, model: string): DeploymentSeries {
    let s = this.deployments.get(d.state);
    if (!s) {
      const { attempts, retries } = this.metrics;
      s = {
        success: attempts.labels(d.provider.id, d.model, 'success'),
        failure: attempts.labels(d.provider.id, d.model, 'error'),
        retries: retries.labels(model, d.provider.id, d.model),
        errors: new Map(),
        cooldowns: new Map(),
      };
      this.deployments.set(d.state, s);
    }
    return s;
  }

  attemptFailed(d: Deployment, model: string, err: unknown, cooled: CooldownReason | undefined): void {
    const s = this.deployment(d, model);
    const status = err instanceof GatewayError ? err.status : CLIENT_CLOSED_STATUS;
    const code = this.metrics.errorCodes.bound(errorCodeOf(err));
    const key = `${status}\0${code}`;
    let errors = s.errors.get(key);
    if (!errors) {
      errors = this.metrics.upstreamErrors.labels(d.provider.id, d.model, String(status), code);
      s.errors.set(key, errors);
    }
    errors.inc();
    s.failure.inc();
    if (!cooled) return;
    let cooldowns = s.cooldowns.get(cooled);
    if (!cooldowns) {
      cooldowns = this.metrics.cooldowns.labels(d.provider.id, d.model, cooled);
      s.cooldowns.set(cooled, cooldowns);
    }
    cooldowns.inc();
  }

  fellBack(from: string, to: string): void {
    const key = `${from}\0${to}`;
    let c = this.fallbacks.get(key);
    if (!c) {
      c = this.metrics.fallbacks.labels(from, to);
      this.fallbacks.set(key, c);
    }
    c.inc();
  }
}

/** One request's record, filled in as routing reports, written to the metrics when it ends. */
class RequestRecord implements RequestObserver {
  private readonly startedAt = performance.now();
  private firstByteAt = -1;
  /** The served model the client asked for. */
  private primary: string | undefined;
  /** The model being tried now (the primary, or a fallback). */
  private served: ServedModel | undefined;
  private deployment: Deployment | undefined;
  private status = 0;
  private errorCode = '';
  private attempts = 0;
  private readonly usage: TokenUsage = { prompt: -1, completion: -1 };

  constructor(
    private readonly request: ObservedRequest,
    private readonly series: SeriesCache,
    private readonly sink: FinishedRequestSink | undefined,
  ) {}

  resolved(served: ServedModel): void {
    this.primary ??= served.id;
    this.served = served;
  }

  attemptStarted(deployment: Deployment): undefined {
    this.deployment = deployment;
    this.attempts++;
    return undefined;
  }

  attemptEnded(deployment: Deployment, err: unknown, cooledDown: CooldownReason | undefined): void {
    const model = this.served?.id ?? UNKNOWN_MODEL;
    if (err === undefined) {
      this.series.deployment(deployment, model).success.inc();
      return;
    }
    this.series.attemptFailed(deployment, model, err, cooledDown);
    // A failure after the answer started (mid-stream) fails the request under the status already sent.
    if (this.status !== 0 && this.errorCode === '') this.errorCode = this.boundCode(err);
  }

  retried(deployment: Deployment): void {
    this.series.deployment(deployment, this.served?.id ?? UNKNOWN_MODEL).retries.inc();
  }

  fellBack(from: ServedModel, to: ServedModel): void {
    this.series.fellBack(from.id, to.id);
  }

  firstByte(now: number): void {
    this.firstByteAt = now;
  }

  data(value: unknown): void {
    scanUsage(value, this.usage);
  }

  responded(response: ProviderResponse): void {
    this.status = response.kind === 'chunks' ? 200 : response.status;
    if (this.status >= 400) this.errorCode = `http_${this.status}`;
  }

  failed(err: unknown): void {
    this.status = err instanceof GatewayError ? err.status : CLIENT_CLOSED_STATUS;
    this.errorCode = this.boundCode(err);
    if (!(err instanceof GatewayError) || err.status === 404) this.deployment = undefined;
  }

  ended(aborted: boolean, reason: unknown): void {
    if (aborted && this.errorCode === '') {
      this.errorCode = reason instanceof GatewayError ? this.boundCode(reason) : 'client_closed';
      if (this.status === 0) this.status = CLIENT_CLOSED_STATUS;
    }
    const now = performance.now();
    const finished: FinishedRequest = {
      route: this.request.protocol ?? this.request.endpoint,
      operation: operationName(this.request.endpoint),
      requestedModel: this.request.model,
      model: this.primary,
      provider: this.deployment?.provider.id,
      deployment: this.deployment?.model,
      stream: this.request.stream,
      status: this.status,
      errorCode: this.errorCode,
      promptTokens: this.usage.prompt,
      completionTokens: this.usage.completion,
      durationMs: now - this.startedAt,
      ttftMs: this.firstByteAt < 0 ? -1 : this.firstByteAt - this.startedAt,
      attempts: this.attempts,
    };
    const request = this.series.request(finished);
    request.requests.inc();
    request.duration.observe(finished.durationMs / 1000);
    if (finished.model !== undefined && finished.provider !== undefined) this.recordAnswer(finished);
    this.sink?.(finished);
  }

  private recordAnswer(r: FinishedRequest): void {
    const answer = this.series.answer(r);
    if (r.promptTokens >= 0) {
      answer.inputTokens.observe(r.promptTokens);
      answer.promptTokens.inc(r.promptTokens);
    }
    if (r.completionTokens >= 0) {
      answer.outputTokens.observe(r.completionTokens);
      answer.completionTokens.inc(r.completionTokens);
    }
    if (!r.stream || r.ttftMs < 0 || r.errorCode !== '') return;
    answer.ttft.observe(r.ttftMs / 1000);
    if (r.completionTokens > 1)
      answer.tpot.observe((r.durationMs - r.ttftMs) / 1000 / (r.completionTokens - 1));
  }

  private boundCode(err: unknown): string {
    return this.series.metrics.errorCodes.bound(errorCodeOf(err));
  }
}

/** The error's code as a label value: its `code`, else `http_<status>`, else `client_closed`. */
function errorCodeOf(err: unknown): string {
  if (!(err instanceof GatewayError)) return 'client_closed';
  return typeof err.code === 'string' && /^[\w.-]{1,64}$/.test(err.code) ? err.code : `http_${err.status}`;
}
