import { performance } from 'node:perf_hooks';
import type { EventSourceMessage } from 'eventsource-parser';
import { type Agent, type Dispatcher, request } from 'undici';
import {
  connectTimeoutMs,
  DEFAULT_TIMEOUTS,
  PROBE_TIMEOUT_MS,
  type TimeoutsConfig,
} from '../config/timeouts.js';
import { UpstreamError } from '../core/errors.js';
import { upstreamAgent } from '../upstream/agent.js';
import { decodeSse, SseDecodeError } from '../upstream/sse-decode.js';
import { parseRetryAfter, transportError } from './openai-compatible/upstream-errors.js';
import type { ProviderRequest } from './provider.js';

/** Turns a non-2xx upstream response into the client-facing error (provider-specific error bodies). */
export type StatusErrorMapper = (
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Dispatcher.ResponseData['body'],
) => Promise<UpstreamError>;

/** Settings of a {@link JsonUpstream}. */
export interface JsonUpstreamOptions {
  /** Provider id, for error messages. */
  providerId: string;
  /** Base URL without trailing slash, e.g. `https://api.anthropic.com/v1`. */
  baseUrl: string;
  /** Headers sent on every request (auth, version, config `headers`). */
  headers: Record<string, string>;
  /** Total time for one request and for the gap between body chunks, in ms. */
  timeoutMs: number;
  /** Time allowed to open a connection, in ms. */
  connectTimeoutMs: number;
  /** Keep-alive connections to the upstream origin. */
  maxConnections: number;
  /** Verify the upstream's TLS certificate. */
  tlsVerify: boolean;
  statusError: StatusErrorMapper;
}

/**
 * A keep-alive JSON client for one translated upstream (undici Agent from upstream/agent.ts).
 * Transport failures become 502/504 {@link UpstreamError}s (providers/openai-compatible/upstream-errors.ts);
 * non-2xx answers go through the provider's own `statusError` mapper.
 */
export class JsonUpstream {
  private readonly agent: Agent;

  constructor(private readonly options: JsonUpstreamOptions) {
    this.agent = upstreamAgent(options);
  }

  /**
   * POSTs `json` to `baseUrl + path` for a client request; adds the wait until response headers to
   * `req.timing.waitMs`.
   * @returns the 2xx response, body unread
   * @throws UpstreamError for transport failures and non-2xx statuses; the client's abort error as is
   */
  post(
    path: string,
    json: unknown,
    req: Pick<ProviderRequest, 'requestId' | 'timing' | 'traceparent'> & { signal: AbortSignal },
  ): Promise<Dispatcher.ResponseData> {
    return this.postBytes(path, JSON.stringify(json), {}, req);
  }

  /**
   * As {@link post}, with a body already serialized (a client's JSON forwarded as is) and extra headers
   * (the client's feature flags, e.g. `anthropic-beta`; the upstream's own auth headers win).
   */
  async postBytes(
    path: string,
    body: string | Buffer,
    headers: Record<string, string>,
    req: Pick<ProviderRequest, 'requestId' | 'timing' | 'traceparent'> & { signal: AbortSignal },
  ): Promise<Dispatcher.ResponseData> {
    const started = performance.now();
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.options.baseUrl + path, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          ...headers,
          ...this.options.headers,
          'content-type': 'application/json',
          'x-request-id': req.requestId,
          ...(req.traceparent ? { traceparent: req.traceparent } : {}),
        },
        body,
        signal: req.signal,
      });
    } catch (err) {
      throw transportError(err, this.options.providerId, req.signal);
    }
    req.timing.waitMs += performance.now() - started;
    if (res.statusCode >= 400) throw await this.options.statusError(res.statusCode, res.headers, res.body);
    return res;
  }

  /**
   * GETs `baseUrl + path` and parses the JSON answer (model listing), within 5 s.
   * @throws UpstreamError for transport failures and non-2xx statuses
   */
  async getJson(path: string, signal: AbortSignal): Promise<unknown> {
    const probeSignal = AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.options.baseUrl + path, {
        dispatcher: this.agent,
        headers: this.options.headers,
        signal: probeSignal,
      });
    } catch (err) {
      throw transportError(err, this.options.providerId, signal);
    }
    if (res.statusCode >= 400) throw await this.options.statusError(res.statusCode, res.headers, res.body);
    return res.body.json();
  }

  /**
   * The server-sent events of a streaming response body (upstream/sse-decode.ts).
   * @param res a response from {@link post}
   * @param signal the request's signal, to tell a client abort from an upstream failure
   * @throws UpstreamError 502 (`protocol`) for an undecodable stream; 502/504 when the connection fails or
   *   goes idle mid-body; the client's abort error as is
   */
  async *events(res: Dispatcher.ResponseData, signal: AbortSignal): AsyncGenerator<EventSourceMessage> {
    try {
      yield* decodeSse(res.body);
    } catch (err) {
      if (err instanceof SseDecodeError) throw new UpstreamError(502, err.message, { failure: 'protocol' });
      throw transportError(err, this.options.providerId, signal);
    }
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** The `providers.<id>` settings a {@link JsonUpstream} is built from (anthropic/config.ts, gemini/config.ts). */
export interface JsonUpstreamConfig {
  /** Base URL including the API version prefix; trailing slashes are ignored. */
  base_url: string;
  /** Total time for one request, in ms; 10 minutes when absent. */
  timeout?: number | undefined;
  /** The provider's `timeouts:` block (`connect` is applied to the connection pool). */
  timeouts?: TimeoutsConfig | undefined;
  max_connections: number;
  tls_verify: boolean;
}

/**
 * The {@link JsonUpstream} of a translating provider, from its config.
 * @param headers sent on every request: the config's `headers` plus the type's auth and version headers
 * @param statusError the type's mapper of non-2xx answers
 */
export function jsonUpstreamFor(
  providerId: string,
  config: JsonUpstreamConfig,
  headers: Record<string, string>,
  statusError: StatusErrorMapper,
): JsonUpstream {
  return new JsonUpstream({
    providerId,
    baseUrl: config.base_url.replace(/\/+$/, ''),
    headers,
    timeoutMs: config.timeout ?? DEFAULT_TIMEOUTS.total,
    connectTimeoutMs: connectTimeoutMs(config),
    maxConnections: config.max_connections,
    tlsVerify: config.tls_verify,
    statusError,
  });
}

/**
 * The upstream's `Retry-After` as {@link UpstreamError} options: the parsed delay and the `retry-after`
 * header (whole seconds) to send on to the client.
 */
export function retryAfterOptions(headers: Record<string, string | string[] | undefined>): {
  headers: Record<string, string>;
  retryAfterMs?: number;
} {
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  if (retryAfterMs === undefined) return { headers: {} };
  return { headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) }, retryAfterMs };
}
