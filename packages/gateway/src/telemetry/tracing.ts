/**
 * OpenTelemetry traces, exported over OTLP/HTTP (JSON) when an endpoint is configured, else off at no cost:
 * the SDK is imported only then. One SERVER span per routed request (continuing the client's W3C
 * `traceparent`) and one CLIENT span per upstream attempt below it, whose context goes upstream as
 * `traceparent`. Attribute names: OpenTelemetry, "Semantic conventions for generative AI spans"
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/). Prompts and completions are recorded
 * only with `telemetry.otlp.record_content`: the request's `messages` as JSON, and the whole answer body of a
 * non-streamed request (streamed answers are not recorded).
 */
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { TelemetryConfig } from '../config/telemetry-fields.js';
import { GatewayError } from '../core/errors.js';
import type { ProviderResponse } from '../providers/provider.js';
import type { Deployment, ServedModel } from '../routing/model-registry.js';
import type { ObservedRequest, ObserveRequest, RequestObserver } from '../routing/observer.js';
import { operationName } from './request-metrics.js';
import { scanUsage, type TokenUsage } from './usage-scan.js';

/** Where and how spans are exported. */
export interface TraceSettings {
  /** The OTLP/HTTP traces URL (`…/v1/traces`). */
  url: string;
  serviceName: string;
  recordContent: boolean;
}

/** The running tracer: its observer factory for the router, and shutdown (flushes pending spans). */
export interface Tracing {
  observe: ObserveRequest;
  shutdown(): Promise<void>;
}

/**
 * The trace settings from `telemetry.otlp`, else the standard variables: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * (used as is), `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces`), `OTEL_SERVICE_NAME` (OpenTelemetry, "OTLP
 * Exporter Configuration"); undefined when no endpoint is set (tracing off).
 */
export function traceSettings(
  config: TelemetryConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): TraceSettings | undefined {
  const otlp = config?.otlp;
  const base = otlp?.endpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = otlp?.endpoint
    ? signalUrl(otlp.endpoint)
    : (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? signalUrl(base) : undefined));
  if (!url) return undefined;
  return {
    url,
    serviceName: otlp?.service_name ?? env.OTEL_SERVICE_NAME ?? 'switchyard',
    recordContent: otlp?.record_content ?? false,
  };
}

function signalUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** Delay between span batches, ms (the SDK's default is 5 s). */
const EXPORT_DELAY_MS = 1_000;

/**
 * Loads the OpenTelemetry SDK and starts exporting spans in batches.
 * @throws when the SDK cannot be loaded
 */
export async function startTracing(settings: TraceSettings, logger: Logger): Promise<Tracing> {
  const [api, core, sdk, exporter, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter: new exporter.OTLPTraceExporter({ url: settings.url }),
        scheduledDelayMillis: EXPORT_DELAY_MS,
      }),
    ],
  });
  const propagator = new core.W3CTraceContextPropagator();
  const kit: TraceKit = {
    tracer: provider.getTracer('switchyard'),
    recordContent: settings.recordContent,
    extract: (traceparent) => propagator.extract(api.ROOT_CONTEXT, { traceparent }, api.defaultTextMapGetter),
    inject: (span) => {
      const carrier: Record<string, string> = {};
      propagator.inject(api.trace.setSpan(api.ROOT_CONTEXT, span), carrier, api.defaultTextMapSetter);
      return carrier.traceparent;
    },
    withSpan: (span) => api.trace.setSpan(api.ROOT_CONTEXT, span),
    root: api.ROOT_CONTEXT,
    server: api.SpanKind.SERVER,
    client: api.SpanKind.CLIENT,
    error: api.SpanStatusCode.ERROR,
  };
  logger.info({ url: settings.url, service: settings.serviceName }, 'exporting traces over OTLP/HTTP');
  return {
    observe: (request) => new RequestTrace(request, kit),
    shutdown: () => provider.shutdown(),
  };
}

/** The SDK pieces a request trace uses (bound once, so the hot path does no imports or lookups). */
interface TraceKit {
  tracer: Tracer;
  recordContent: boolean;
  extract(traceparent: string): Context;
  inject(span: Span): string | undefined;
  withSpan(span: Span): Context;
  root: Context;
  server: number;
  client: number;
  error: number;
}

/** The spans of one request. */
class RequestTrace implements RequestObserver {
  private readonly span: Span;
  private readonly operation: string;
  private attempt: Span | undefined;
  private deployment: Deployment | undefined;
  private failure: unknown;
  private status = 0;
  private readonly usage: TokenUsage = { prompt: -1, completion: -1 };
  private readonly finishReasons = new Set<string>();
  private output: unknown;

  constructor(
    private readonly request: ObservedRequest,
    private readonly kit: TraceKit,
  ) {
    this.operation = operationName(request.endpoint);
    const parent = request.traceparent ? kit.extract(request.traceparent) : kit.root;
    const attributes: Attributes = {
      'gen_ai.operation.name': this.operation,
      'gen_ai.request.model': request.model,
      'switchyard.route': request.protocol ?? request.endpoint,
    };
    const maxTokens = request.body.max_completion_tokens ?? request.body.max_tokens;
    if (typeof maxTokens === 'number') attributes['gen_ai.request.max_tokens'] = maxTokens;
    if (kit.recordContent && request.body.messages !== undefined) {
      attributes['gen_ai.input.messages'] = JSON.stringify(request.body.messages);
    }
    this.span = kit.tracer.startSpan(
      `${this.operation} ${request.model}`,
      { kind: kit.server, attributes },
      parent,
    );
  }

  resolved(_served: ServedModel): void {}

  attemptStarted(deployment: Deployment): string | undefined {
    this.deployment = deployment;
    this.attempt = this.kit.tracer.startSpan(
      `${this.operation} ${deployment.model}`,
      {
        kind: this.kit.client,
        attributes: {
          'gen_ai.operation.name': this.operation,
          'gen_ai.provider.name': deployment.provider.type,
          'gen_ai.request.model': deployment.model,
          'switchyard.provider.id': deployment.provider.id,
        },
      },
      this.kit.withSpan(this.span),
    );
    return this.kit.inject(this.attempt);
  }

  attemptEnded(_deployment: Deployment, err: unknown): void {
    const span = this.attempt;
    if (!span) return;
    this.attempt = undefined;
    if (err !== undefined) fail(span, err, this.kit.error);
    else this.describeAnswer(span);
    span.end();
  }

  retried(): void {}

  fellBack(_from: ServedModel, to: ServedModel): void {
    this.span.addEvent('fallback', { 'switchyard.fallback.model': to.id });
  }

  firstByte(): void {}

  data(value: unknown): void {
    scanUsage(value, this.usage);
    collectFinishReasons(value, this.finishReasons);
    // The answer of a whole (non-streamed) request: its JSON body, as an object or as upstream bytes.
    if (this.kit.recordContent && !this.request.stream) {
      this.output = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
    }
  }

  responded(response: ProviderResponse): void {
    this.status = response.kind === 'chunks' ? 200 : response.status;
  }

  failed(err: unknown): void {
    this.failure = err;
  }

  ended(aborted: boolean, reason: unknown): void {
    const { span } = this;
    if (this.deployment) {
      span.setAttribute('gen_ai.provider.name', this.deployment.provider.type);
      span.setAttribute('gen_ai.response.model', this.deployment.model);
    }
    this.describeAnswer(span);
    if (this.kit.recordContent && this.output !== undefined) {
      const output = this.output;
      span.setAttribute(
        'gen_ai.output.messages',
        typeof output === 'string' ? output : JSON.stringify(output),
      );
    }
    const err = this.failure ?? (aborted ? reason : undefined);
    if (err !== undefined || aborted) fail(span, err, this.kit.error);
    else if (this.status >= 400) {
      span.setAttribute('error.type', String(this.status));
      span.setStatus({ code: this.kit.error });
    }
    if (this.status > 0) span.setAttribute('http.response.status_code', this.status);
    span.end();
  }

  private describeAnswer(span: Span): void {
    if (this.usage.prompt >= 0) span.setAttribute('gen_ai.usage.input_tokens', this.usage.prompt);
    if (this.usage.completion >= 0) span.setAttribute('gen_ai.usage.output_tokens', this.usage.completion);
    if (this.finishReasons.size > 0)
      span.setAttribute('gen_ai.response.finish_reasons', [...this.finishReasons]);
  }
}

/** Marks a span failed: `error.type` is the error's code (else its status), or `client_closed`. */
function fail(span: Span, err: unknown, errorCode: number): void {
  span.setAttribute(
    'error.type',
    err instanceof GatewayError ? String(err.code ?? err.status) : 'client_closed',
  );
  span.setStatus({ code: errorCode, ...(err instanceof Error ? { message: err.message } : {}) });
}

const FINISH_REASON = Buffer.from('"finish_reason":"');

/** Adds the `finish_reason`s of an OpenAI answer or chunk (object or SSE bytes) to `into`. */
function collectFinishReasons(value: unknown, into: Set<string>): void {
  if (value instanceof Uint8Array) {
    const buf = Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    for (let at = buf.indexOf(FINISH_REASON); at >= 0; at = buf.indexOf(FINISH_REASON, at + 1)) {
      const start = at + FINISH_REASON.byteLength;
      const end = buf.indexOf(34, start);
      if (end > start && end - start < 64) into.add(buf.toString('latin1', start, end));
    }
    return;
  }
  const choices = (value as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return;
  for (const c of choices) {
    const reason = (c as { finish_reason?: unknown }).finish_reason;
    if (typeof reason === 'string') into.add(reason);
  }
}
