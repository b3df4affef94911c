/**
 * What routing tells telemetry about one request, without importing it (telemetry sits above routing). A
 * router built with an {@link ObserveRequest} factory calls it once per dispatched request and reports what
 * happens to that request on the returned {@link RequestObserver}; a router built without one calls nothing.
 */
import type { Endpoint, NativeProtocol, ProviderResponse } from '../providers/provider.js';
import type { Deployment, ServedModel } from './model-registry.js';

/** The request as routing received it. */
export interface ObservedRequest {
  endpoint: Endpoint;
  /** The model id the client asked for (may be unknown to the gateway). */
  model: string;
  stream: boolean;
  /** Set when an ingress translated the client's own protocol (Anthropic, Responses, Ollama). */
  protocol?: NativeProtocol;
  /** The request's body in the canonical (OpenAI) shape. */
  body: Record<string, unknown>;
  /** The client's W3C `traceparent` header, if any. */
  traceparent?: string;
}

/** Why a deployment was taken out of rotation: an upstream 429, or consecutive failures. */
export type CooldownReason = 'rate_limited' | 'failures';

/**
 * Receives the events of one request, in order: `resolved`, then per upstream attempt `attemptStarted`
 * (with `attemptEnded` when it is over), `retried` / `fellBack` between attempts, `firstByte` and `data`
 * for the answer that is written, `responded` or `failed`, and `ended` exactly once when routing lets go.
 * Every method must be cheap and must not throw.
 */
export interface RequestObserver {
  /** The model the request resolved to (also each fallback model routing moves to). */
  resolved(served: ServedModel): void;
  /**
   * An attempt on `deployment` took its slot.
   * @returns the W3C `traceparent` to send upstream with this attempt, if any
   */
  attemptStarted(deployment: Deployment): string | undefined;
  /**
   * The attempt is over: `err` undefined when its response ended well.
   * @param cooledDown set when this failure took the deployment out of rotation
   */
  attemptEnded(deployment: Deployment, err: unknown, cooledDown: CooldownReason | undefined): void;
  /** The same deployment is tried again after a retryable failure. */
  retried(deployment: Deployment): void;
  /** Routing moves on from model `from` to its fallback `to`. */
  fellBack(from: ServedModel, to: ServedModel): void;
  /** The answer's first byte (chunk, or whole JSON answer) arrived; `now` is `performance.now()` ms. */
  firstByte(now: number): void;
  /** One piece of the answer: a JSON body or chunk object, or a `Uint8Array` of upstream bytes. */
  data(value: unknown): void;
  /** Routing hands `response` to the HTTP layer. */
  responded(response: ProviderResponse): void;
  /** Routing gave up: `err` is what the client gets. */
  failed(err: unknown): void;
  /**
   * The request is over (its answer fully read, or abandoned, or it failed).
   * @param aborted true when the client went away or the gateway aborted the request (shutdown)
   * @param reason the abort's reason (the shutdown error; for a client disconnect whatever the HTTP layer gave)
   */
  ended(aborted: boolean, reason: unknown): void;
}

/** Called once per dispatched request. */
export type ObserveRequest = (request: ObservedRequest) => RequestObserver;
