/**
 * The HTTP layer every platform shares: an `openai` SDK client (so retries, timeouts, `Retry-After`, error
 * classes, SSE parsing and `_request_id` behave exactly as in the SDK) with one keep-alive undici pool per
 * client, optional authentication, and error bodies of any dialect normalized (see errors.ts).
 */

import type { APIError } from 'openai';
import { OpenAI } from 'openai';
import { Agent } from 'undici';
import { statusError } from './errors.js';

/** Settings of a {@link Transport}. */
export interface TransportOptions {
  /** Base URL that relative SDK paths (`/chat/completions`, `/api/chat`) are resolved against. */
  baseURL: string;
  /** Bearer token; when absent no `Authorization` header is sent. */
  apiKey?: string | undefined;
  /** Per-attempt timeout in ms. */
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  defaultHeaders?: Record<string, string> | undefined;
  /** Sockets per origin; undefined means unlimited. */
  maxConnections?: number | undefined;
}

/** The `openai` SDK client used as the transport of one `OpenAICompatibleClient`. */
export class Transport extends OpenAI {
  /** The keep-alive connection pool all requests of this client go through. */
  readonly pool: Agent;

  constructor(options: TransportOptions) {
    const pool = new Agent({ keepAliveTimeout: 30_000, connections: options.maxConnections ?? null });
    super({
      baseURL: options.baseURL,
      // The SDK requires a credential; without one, a null default header removes `Authorization` again.
      apiKey: options.apiKey ?? 'none',
      timeout: options.timeout,
      maxRetries: options.maxRetries,
      defaultHeaders:
        options.apiKey === undefined
          ? { ...options.defaultHeaders, Authorization: null }
          : options.defaultHeaders,
      // Node's global fetch accepts an undici Agent; the two packages' type declarations differ only in name.
      fetchOptions: { dispatcher: pool as unknown as RequestInit['dispatcher'] },
    });
    this.pool = pool;
  }

  protected override makeStatusError(
    status: number,
    error: object | undefined,
    message: string | undefined,
    headers: Headers,
  ): APIError {
    return statusError(status, error, message, headers);
  }

  /**
   * A plain SDK client for another base URL (e.g. Ollama's `/v1` layer) with this one's credentials, headers,
   * timeout, retries and connection pool.
   */
  at(baseURL: string): OpenAI {
    return new OpenAI({
      baseURL,
      apiKey: this.apiKey,
      defaultHeaders: this._options.defaultHeaders,
      timeout: this.timeout,
      maxRetries: this.maxRetries,
      fetchOptions: this.fetchOptions,
    });
  }

  /** Closes the connection pool; in-flight requests finish first. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
