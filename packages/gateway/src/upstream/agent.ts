import { Agent } from 'undici';

/** Idle keep-alive sockets are closed after this long, in ms. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/** Settings of an {@link upstreamAgent}. */
export interface UpstreamAgentOptions {
  /** Keep-alive connections to the upstream origin (config `max_connections`). */
  maxConnections: number;
  /** Time allowed until response headers and between body chunks, in ms. */
  timeoutMs: number;
  /** Time allowed to open a connection (TCP and TLS), in ms: the provider's `timeouts.connect`. */
  connectTimeoutMs: number;
  /** Verify the upstream's TLS certificate (config `tls_verify`); undici's default (verify) when absent. */
  tlsVerify?: boolean;
}

/**
 * The keep-alive undici connection pool every provider sends its upstream HTTP requests through (OpenAI-compatible,
 * Anthropic, Gemini, Ollama): one place where `max_connections`, `timeouts.connect`, the header/body timeout and
 * `tls_verify` take effect.
 * @returns an Agent the caller closes with the provider
 */
export function upstreamAgent(options: UpstreamAgentOptions): Agent {
  return new Agent({
    connections: options.maxConnections,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: {
      ...(options.tlsVerify === undefined ? {} : { rejectUnauthorized: options.tlsVerify }),
      timeout: options.connectTimeoutMs,
    },
  });
}
