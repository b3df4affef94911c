/**
 * Prometheus metrics of one gateway instance (prom-client, on its own registry so that several gateways in
 * one process do not share series), exposed on `GET /metrics` in the text exposition format. Names follow
 * the Prometheus conventions (base units, `_total` counters) and, where the OpenTelemetry GenAI semantic
 * conventions define a metric, its name and attributes as an OpenTelemetry Prometheus exporter writes them
 * (dots become underscores, the unit is a suffix): OpenTelemetry, "Semantic conventions for generative AI
 * metrics" (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/). The embedded engine's load
 * is also exposed under vLLM's names (vLLM docs, "Production Metrics":
 * https://docs.vllm.ai/en/latest/usage/metrics.html), which inference-pool endpoint pickers read.
 *
 * Every label value comes from config (provider ids, served model ids, upstream model names), from a fixed
 * set (routes, statuses), or is bounded by {@link BoundedValues}: cardinality cannot grow with traffic.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Endpoint } from '../providers/provider.js';
import type { ModelRegistry } from '../routing/model-registry.js';
import type { Router } from '../routing/router.js';

/**
 * Bucket bounds in seconds for the gateway's own overhead: 25 µs to 100 ms, dense below 1 ms where a
 * passthrough request lands.
 */
const OVERHEAD_BUCKETS = [
  0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1,
];
/** The GenAI conventions' advised buckets for `gen_ai.server.request.duration`, seconds. */
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** The GenAI conventions' advised buckets for `gen_ai.server.time_to_first_token`, seconds. */
const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];
/** The GenAI conventions' advised buckets for `gen_ai.server.time_per_output_token`, seconds. */
const TPOT_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
/** The GenAI conventions' advised buckets for `gen_ai.client.token.usage`, tokens. */
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** Labels of the GenAI metrics (the conventions' attribute names, dots as underscores). */
const GEN_AI_LABELS = [
  'gen_ai_operation_name',
  'gen_ai_provider_name',
  'gen_ai_request_model',
  'gen_ai_response_model',
] as const;

/** Where scrape-time gauges read the gateway's state. */
export interface MetricSources {
  registry: ModelRegistry;
  router: Router;
}

/** At most `limit` distinct values; the rest collapse to `other`. */
export class BoundedValues {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  /** `value` when already seen or there is room, else `other`. */
  bound(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit) return 'other';
    this.seen.add(value);
    return value;
  }
}

/** The gateway's metrics. */
export class GatewayMetrics {
  readonly registry = new Registry();
  /** Error codes seen as label values (upstreams may relay their own). */
  readonly errorCodes = new BoundedValues(64);
  private sources: MetricSources | undefined;

  private readonly overhead = new Histogram({
    name: 'switchyard_overhead_seconds',
    help:
      'Time the gateway spent on a request that was not spent waiting for the upstream (response headers ' +
      'and body), per endpoint, in seconds',
    labelNames: ['endpoint'] as const,
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });
  private readonly byEndpoint = new Map<string, Histogram.Internal<'endpoint'>>();

  readonly requests = new Counter({
    name: 'switchyard_requests_total',
    help:
      'Requests routed, by route (endpoint, or the client protocol an ingress translated), served model ' +
      '(the one asked for, even when a fallback answered; unknown ids are "unknown"), provider and ' +
      'deployment (upstream model) that answered last, HTTP ' +
      'status and error code ("" on success; 499 client_closed when the client went away)',
    labelNames: ['route', 'model', 'provider', 'deployment', 'status', 'error_code'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'gen_ai_server_request_duration_seconds',
    help: 'GenAI request duration, from routing to the end of the answer, seconds',
    labelNames: [...GEN_AI_LABELS, 'error_type'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly timeToFirstToken = new Histogram({
    name: 'gen_ai_server_time_to_first_token_seconds',
    help: 'Time to first token of streamed answers (routing to the first chunk of the answer), seconds',
    labelNames: GEN_AI_LABELS,
    buckets: TTFT_BUCKETS,
    registers: [this.registry],
  });
  readonly timePerOutputToken = new Histogram({
    name: 'gen_ai_server_time_per_output_token_seconds',
    help: 'Time per output token after the first, of streamed answers that reported their usage, seconds',
    labelNames: GEN_AI_LABELS,
    buckets: TPOT_BUCKETS,
    registers: [this.registry],
  });
  readonly tokenUsage = new Histogram({
    name: 'gen_ai_client_token_usage',
    help: 'Tokens per request as the upstream reported them (usage), by gen_ai_token_type input or output',
    labelNames: [...GEN_AI_LABELS, 'gen_ai_token_type'] as const,
    buckets: TOKEN_BUCKETS,
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: 'switchyard_tokens_total',
    help: 'Tokens the upstreams reported, by served model, provider and type (prompt or completion)',
    labelNames: ['model', 'provider', 'type'] as const,
    registers: [this.registry],
  });
  readonly attempts = new Counter({
    name: 'switchyard_upstream_attempts_total',
    help: 'Upstream attempts, by provider, deployment (upstream model) and outcome (success or error)',
    labelNames: ['provider', 'deployment', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'switchyard_upstream_errors_total',
    help: 'Failed upstream attempts, by provider, deployment, HTTP status and error code',
    labelNames: ['provider', 'deployment', 'status', 'error_code'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'switchyard_retries_total',
    help: 'Retries of the same deployment after a retryable failure, by served model, provider and deployment',
    labelNames: ['model', 'provider', 'deployment'] as const,
    registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: 'switchyard_fallbacks_total',
    help: 'Requests that moved on to a fallback model, by served model and fallback model',
    labelNames: ['model', 'fallback'] as const,
    registers: [this.registry],
  });
  readonly cooldowns = new Counter({
    name: 'switchyard_cooldowns_total',
    help: 'Deployments taken out of rotation, by provider, deployment and reason (rate_limited or failures)',
    labelNames: ['provider', 'deployment', 'reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    const metrics = this;
    new Gauge({
      name: 'switchyard_requests_in_flight',
      help: 'Requests routing owns now (routing, queued, or streaming their answer)',
      registers: [this.registry],
      collect() {
        this.set(metrics.sources?.router.inFlight ?? 0);
      },
    });
    const deploymentGauge = (name: string, help: string, read: (d: DeploymentRow) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['model', 'provider', 'deployment'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const d of metrics.deploymentRows()) {
            this.set({ model: d.model, provider: d.provider, deployment: d.deployment }, read(d));
          }
        },
      });
    deploymentGauge(
      'switchyard_deployment_in_flight',
      'Requests in flight to a deployment',
      (d) => d.inFlight,
    );
    deploymentGauge(
      'switchyard_deployment_queued',
      'Requests waiting in a deployment admission queue (max_concurrency)',
      (d) => d.queued,
    );
    deploymentGauge(
      'switchyard_deployment_cooling',
      '1 while a deployment is out of rotation (cooling down or being probed), else 0',
      (d) => (d.cooling ? 1 : 0),
    );
    const vllmGauge = (name: string, help: string, read: (d: DeploymentRow) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['model_name'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          const byModel = new Map<string, number>();
          for (const d of metrics.deploymentRows()) {
            if (d.providerType !== 'embedded') continue;
            byModel.set(d.model, (byModel.get(d.model) ?? 0) + read(d));
          }
          for (const [model, value] of byModel) this.set({ model_name: model }, value);
        },
      });
    vllmGauge(
      'vllm:num_requests_running',
      'Requests the embedded engine is serving, per served model (vLLM name)',
      (d) => d.inFlight,
    );
    vllmGauge(
      'vllm:num_requests_waiting',
      'Requests waiting for the embedded engine, per served model (vLLM name)',
      (d) => d.queued,
    );
  }

  /** Tells the scrape-time gauges where the gateway's live state is. */
  watch(sources: MetricSources): void {
    this.sources = sources;
  }

  /**
   * Records one request's overhead.
   * @param ms milliseconds (the histogram is in seconds)
   */
  observeOverhead(endpoint: Endpoint | 'messages' | 'responses' | 'ollama', ms: number): void {
    let child = this.byEndpoint.get(endpoint);
    if (!child) {
      child = this.overhead.labels({ endpoint });
      this.byEndpoint.set(endpoint, child);
    }
    child.observe(ms / 1000);
  }

  /** The exposition text and its content type (`text/plain; version=0.0.4`). */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private deploymentRows(): DeploymentRow[] {
    const registry = this.sources?.registry;
    if (!registry) return [];
    const rows: DeploymentRow[] = [];
    for (const status of registry.providerStatuses()) {
      for (const d of status.deployments) {
        rows.push({
          model: d.model,
          provider: status.id,
          providerType: status.type,
          deployment: d.upstream_model,
          inFlight: d.in_flight,
          queued: d.queued,
          cooling: d.state !== 'healthy',
        });
      }
    }
    return rows;
  }
}

/** One deployment's live numbers at scrape time. */
interface DeploymentRow {
  model: string;
  provider: string;
  providerType: string;
  deployment: string;
  inFlight: number;
  queued: number;
  cooling: boolean;
}
