/**
 * The HTTP layer every platform shares: an `openai` SDK client (so retries, timeouts, `Retry-After`, error
 * classes, SSE parsing and `_request_id` behave exactly as in the SDK) with one keep-alive undici pool per
 * client, optional authentication, and error bodies of any dialect normalized (see errors.ts).
 */

import type { APIError } from 'openai';
import { OpenAI } from 'openai';
import type { Page } from 'openai/pagination';
import { Agent } from 'undici';
import type { Fetch } from './config.js';
import { ClientClosedError, statusError } from './errors.js';

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
  defaultQuery?: Record<string, string> | undefined;
  /** Sockets per origin; undefined means unlimited. */
  maxConnections?: number | undefined;
  fetch?: Fetch | undefined;
  logLevel?: 'off' | 'error' | 'warn' | 'info' | 'debug' | undefined;
}

/** The SDK's `FinalRequestOptions` (not exported under its own name). */
type FinalRequestOptions = ConstructorParameters<typeof Page>[3];

/** Shared by a transport and the clients derived from it with `at()`. */
interface Shared {
  pool: Agent;
  closed: boolean;
}

/** The `openai` SDK client used as the transport of one `OpenAICompatibleClient`. */
export class Transport extends OpenAI {
  readonly #shared: Shared;
  readonly #options: TransportOptions;

  constructor(options: TransportOptions, shared?: Shared) {
    const pool =
      shared?.pool ?? new Agent({ keepAliveTimeout: 30_000, connections: options.maxConnections ?? null });
    super({
      baseURL: options.baseURL,
      // The SDK requires a credential; without one, a null default header removes `Authorization` again.
      apiKey: options.apiKey ?? 'none',
      timeout: options.timeout,
      maxRetries: options.maxRetries,
      defaultQuery: options.defaultQuery,
      fetch: options.fetch,
      logLevel: options.logLevel,
      // This client is used in browsers on purpose (a gateway's key, or none); the caller chooses what to expose.
      dangerouslyAllowBrowser: true,
      defaultHeaders:
        options.apiKey === undefined
          ? { ...options.defaultHeaders, Authorization: null }
          : options.defaultHeaders,
      // Node's global fetch accepts an undici Agent; the two packages' type declarations differ only in name.
      fetchOptions: { dispatcher: pool as unknown as RequestInit['dispatcher'] },
    });
    this.#shared = shared ?? { pool, closed: false };
    this.#options = options;
  }

  /** The keep-alive connection pool all requests of this client go through. */
  get pool(): Agent {
    return this.#shared.pool;
  }

  /** `ClientClosedError` once `close()` was called, else undefined. */
  closedError(): ClientClosedError | undefined {
    return this.#shared.closed ? new ClientClosedError() : undefined;
  }

  /** Refuses every attempt (first or retry) once the client is closed. */
  protected override async prepareOptions(options: FinalRequestOptions): Promise<void> {
    const closed = this.closedError();
    if (closed) throw closed;
    await super.prepareOptions(options);
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
    return new Transport({ ...this.#options, baseURL }, this.#shared);
  }

  /** Closes the connection pool; in-flight requests finish first, later ones reject with `ClientClosedError`. */
  async close(): Promise<void> {
    if (this.#shared.closed) return;
    this.#shared.closed = true;
    await this.#shared.pool.close();
  }
}
