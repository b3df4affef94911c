import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { type Agent, type Dispatcher, request } from 'undici';
import { GatewayError } from '../../core/errors.js';
import { transportError } from '../openai-compatible/upstream-errors.js';
import type { UpstreamTiming } from '../provider.js';
import { ollamaLineError, ollamaProtocolError, ollamaStatusError } from './errors.js';
import { ndjsonValues } from './ndjson.js';

/** One call to the Ollama server. */
export interface OllamaCall {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  /** Route below the server root, e.g. `/api/chat`. */
  path: string;
  /** JSON body for POST and DELETE. */
  body?: unknown;
  /** Bytes sent as they are instead of a JSON body (a blob upload). */
  stream?: AsyncIterable<Uint8Array>;
  signal: AbortSignal;
  /** Sent as `x-request-id`. */
  requestId?: string;
  /** Sent as `traceparent` (W3C Trace Context). */
  traceparent?: string;
  /** Receives the time spent waiting for Ollama (headers and body reads), in ms. */
  timing?: UpstreamTiming;
}

/**
 * HTTP to one Ollama server over a keep-alive undici pool. Failures become the gateway's errors: connect
 * failures 502, timeouts 504 (openai-compatible/upstream-errors.ts), HTTP errors keep Ollama's status, and an
 * `{"error": ...}` object in a 200 body or NDJSON line becomes an error too (errors.ts).
 */
export class OllamaTransport {
  constructor(
    private readonly providerId: string,
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    private readonly agent: Agent,
  ) {}

  /**
   * Sends a call and parses the whole JSON response.
   * @throws UpstreamError for transport failures, HTTP errors, non-JSON bodies and `{"error": ...}` bodies
   */
  async json<T>(call: OllamaCall): Promise<T> {
    const started = performance.now();
    const res = await this.send(call);
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw transportError(err, this.providerId, call.signal);
    } finally {
      if (call.timing) call.timing.waitMs += performance.now() - started;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw ollamaProtocolError(`${call.path} answered with non-JSON: ${text.slice(0, 200)}`);
    }
    if (typeof value === 'object' && value !== null && 'error' in value) {
      throw ollamaLineError((value as { error: unknown }).error);
    }
    return value as T;
  }

  /**
   * Sends a call whose answer is an NDJSON stream, and returns its parsed lines as they arrive. Time blocked
   * on each read is added to `call.timing`; a connection lost mid-stream becomes an UpstreamError (502/504).
   * @throws UpstreamError before the stream for transport failures and HTTP errors
   */
  async ndjson(call: OllamaCall): Promise<AsyncIterable<unknown>> {
    const started = performance.now();
    const res = await this.send(call);
    if (call.timing) call.timing.waitMs += performance.now() - started;
    return this.timedLines(res.body, call);
  }

  /**
   * Sends a call and returns the answer as it comes: status, content type and body bytes (for passthrough of
   * the client's own Ollama request). Time to the headers is added to `call.timing`.
   * @throws UpstreamError for transport failures and HTTP errors (Ollama's message and status)
   */
  async bytes(
    call: OllamaCall,
  ): Promise<{ status: number; contentType: string; body: AsyncIterable<Uint8Array> }> {
    const started = performance.now();
    const res = await this.send(call);
    if (call.timing) call.timing.waitMs += performance.now() - started;
    const type = res.headers['content-type'];
    return {
      status: res.statusCode,
      contentType: typeof type === 'string' ? type : 'application/json; charset=utf-8',
      body: res.body,
    };
  }

  private async *timedLines(
    body: Dispatcher.ResponseData['body'],
    call: OllamaCall,
  ): AsyncGenerator<unknown> {
    const lines = ndjsonValues(body)[Symbol.asyncIterator]();
    try {
      while (true) {
        const started = performance.now();
        let next: IteratorResult<unknown>;
        try {
          next = await lines.next();
        } catch (err) {
          throw err instanceof GatewayError ? err : transportError(err, this.providerId, call.signal);
        } finally {
          if (call.timing) call.timing.waitMs += performance.now() - started;
        }
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await lines.return?.(undefined);
    }
  }

  private async send(call: OllamaCall): Promise<Dispatcher.ResponseData> {
    const headers =
      call.requestId || call.traceparent
        ? {
            ...this.headers,
            ...(call.requestId ? { 'x-request-id': call.requestId } : {}),
            ...(call.traceparent ? { traceparent: call.traceparent } : {}),
          }
        : this.headers;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.baseUrl + call.path, {
        method: call.method,
        dispatcher: this.agent,
        headers,
        signal: call.signal,
        ...(call.stream !== undefined
          ? { body: Readable.from(call.stream) }
          : call.body === undefined
            ? {}
            : { body: JSON.stringify(call.body) }),
      });
    } catch (err) {
      throw transportError(err, this.providerId, call.signal);
    }
    if (res.statusCode >= 400) throw await ollamaStatusError(res.statusCode, res.headers, res.body);
    return res;
  }

  /**
   * Sends a call whose answer has no body the caller needs (delete, copy, blob upload and check).
   * @returns the upstream's status
   * @throws UpstreamError for transport failures and HTTP errors (Ollama's message and status)
   */
  async status(call: OllamaCall): Promise<number> {
    const res = await this.send(call);
    await res.body.dump();
    return res.statusCode;
  }
}
