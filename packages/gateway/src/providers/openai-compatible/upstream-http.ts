import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { type Agent, type Dispatcher, request } from 'undici';
import { PROBE_TIMEOUT_MS } from '../../config/timeouts.js';
import { GatewayError, UpstreamError } from '../../core/errors.js';
import type { ProviderRequest } from '../provider.js';
import { callUpstream, type UpstreamResponse as UpstreamCallResponse } from './upstream-call.js';
import { transportError, upstreamStatusError } from './upstream-errors.js';

/** An upstream response with a 2xx/3xx status, body not yet read. */
export type UpstreamResponse = Dispatcher.ResponseData;

/**
 * HTTP calls to one upstream server over the provider's keep-alive pool, with the provider's headers
 * (its own API key, never the client's). Statuses ≥ 400 become {@link UpstreamError}s carrying the upstream's
 * message; transport failures become 502/504 (see upstream-errors.ts). Time spent waiting is added to
 * `req.timing.waitMs`.
 */
export class UpstreamHttp {
  /** Absolute URLs split once into undici's dispatch origin and path. */
  private readonly targets = new Map<string, { origin: string; path: string }>();
  /** {@link headers} plus a JSON content type as undici's flat `[name, value, ...]` list, for {@link postBytes}. */
  private readonly jsonHeaderList: string[];

  constructor(
    private readonly providerId: string,
    private readonly agent: Agent,
    /** Sent on every call; `content-type` is set per call. */
    private readonly headers: Record<string, string>,
  ) {
    this.jsonHeaderList = [...Object.entries(headers).flat(), 'content-type', 'application/json'];
  }

  /**
   * POSTs a body for one client request and returns the upstream's response unread.
   * @param url absolute upstream URL
   * @param body JSON bytes or text, or a multipart upload stream
   * @param contentType of `body`
   * @param extraHeaders e.g. `content-length` of an upload
   * @throws UpstreamError for statuses ≥ 400, connect failures (502) and timeouts (504)
   */
  async post(
    url: string,
    body: string | Buffer | Readable,
    contentType: string,
    req: ProviderRequest,
    extraHeaders: Record<string, string> = {},
  ): Promise<UpstreamResponse> {
    return this.send(req, () =>
      request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          ...this.headers,
          ...extraHeaders,
          'content-type': contentType,
          'x-request-id': req.requestId,
          ...(req.traceparent ? { traceparent: req.traceparent } : {}),
        },
        body,
        signal: req.abort.signal,
      }),
    );
  }

  /**
   * POSTs a JSON body for passthrough with undici's dispatch (upstream-call.ts): the answer's body is a light
   * async iterator instead of the Node stream `post` returns, which is most of a passthrough's CPU.
   * @param url absolute upstream URL
   * @throws as {@link post}
   */
  async postBytes(url: string, body: string | Buffer, req: ProviderRequest): Promise<UpstreamCallResponse> {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
      this.targets.set(url, target);
    }
    const { origin, path } = target;
    const headers = this.jsonHeaderList.slice();
    headers.push('x-request-id', req.requestId);
    if (req.traceparent) headers.push('traceparent', req.traceparent);
    return this.send(req, () =>
      callUpstream(this.agent, { origin, path, method: 'POST', headers, body, abort: req.abort }),
    );
  }

  /**
   * Runs one upstream call: adds its time to `req.timing.waitMs`, maps transport failures (502/504) and
   * statuses ≥ 400 (the upstream's status, normalized body) to UpstreamErrors.
   */
  private async send<
    R extends { statusCode: number; headers: UpstreamResponse['headers']; body: AsyncIterable<Uint8Array> },
  >(req: ProviderRequest, call: () => Promise<R>): Promise<R> {
    const started = performance.now();
    let res: R;
    try {
      res = await call();
    } catch (err) {
      throw transportError(err, this.providerId, req.abort);
    } finally {
      req.timing.waitMs += performance.now() - started;
    }
    if (res.statusCode >= 400) throw await upstreamStatusError(res.statusCode, res.headers, res.body);
    return res;
  }

  /**
   * POSTs a JSON body and parses the JSON answer (for translated endpoints).
   * @throws UpstreamError as {@link post}; 502 (`upstream_protocol_error`) when the answer is not JSON
   */
  async postJson(url: string, body: unknown, req: ProviderRequest): Promise<unknown> {
    const res = await this.post(url, JSON.stringify(body), 'application/json', req);
    const started = performance.now();
    try {
      return await res.body.json();
    } catch (err) {
      if (req.abort.aborted) throw err;
      throw new UpstreamError(502, `upstream provider '${this.providerId}' answered with invalid JSON`, {
        failure: 'protocol',
      });
    } finally {
      req.timing.waitMs += performance.now() - started;
    }
  }

  /**
   * GETs JSON for discovery or metadata, with a 5 s timeout on top of `signal`.
   * @throws UpstreamError for statuses ≥ 400 and transport failures; SyntaxError for a non-JSON body
   */
  async getJson(url: string, signal: AbortSignal): Promise<unknown> {
    const probeSignal = AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]);
    let res: UpstreamResponse;
    try {
      res = await request(url, { dispatcher: this.agent, headers: this.headers, signal: probeSignal });
    } catch (err) {
      throw transportError(err, this.providerId, signal);
    }
    if (res.statusCode >= 400) throw await upstreamStatusError(res.statusCode, res.headers, res.body);
    return res.body.json();
  }
}

/**
 * An upload can be sent only once: when a call that already consumed part of it fails, the error must not be
 * retried on another deployment. Returns `err` unchanged when nothing was read, else a non-retryable copy.
 */
export function finalForUpload(err: unknown, upload: Readable): unknown {
  if (!(err instanceof UpstreamError) || !upload.readableDidRead) return err;
  return new GatewayError(err.status, err.message, {
    type: err.type,
    param: err.param,
    upstreamCode: err.code,
    headers: err.headers,
  });
}
