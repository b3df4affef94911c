/**
 * The contract every provider adapter implements. The gateway's canonical format is the OpenAI wire format
 * itself: a provider receives the client's OpenAI request body and returns an OpenAI
 * response, OpenAI chunks, or (for OpenAI-compatible upstreams) the upstream's bytes untouched.
 */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { GatewayError } from '../core/errors.js';
import type { ModelFacts } from '../core/model-facts.js';
import type { AbortWatch } from './abort-switch.js';
import type { ModelStore } from './model-store.js';

/**
 * Gateway endpoints a request can target. The vLLM extras are vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
 */
export type Endpoint =
  | 'chat.completions'
  | 'completions'
  | 'embeddings'
  | 'tokenize'
  | 'detokenize'
  | 'pooling'
  | 'classify'
  | 'score'
  | 'rerank'
  | 'audio.transcriptions';

/** What a model can do, as listed on `/v1/models` entries. */
export type Capability =
  | 'chat'
  | 'completion'
  | 'embedding'
  | 'tokenize'
  | 'rerank'
  | 'score'
  | 'classify'
  | 'transcription';

/** A model a provider found upstream (or on disk), served under `id` unless config maps it. */
export interface DiscoveredModel {
  /** Upstream model name; also the gateway model id for discovered models. */
  id: string;
  capabilities?: Capability[];
  /** Context length in tokens, when known. */
  maxModelLen?: number;
  /** Unix seconds. */
  created?: number;
}

/** Per-model settings from `models[].` in switchyard.yaml that adapters may read. */
export interface ModelOptions {
  /** Value for providers that require `max_tokens` (Anthropic) when the client sent none. Tokens. */
  default_max_tokens?: number;
  /** Provider-specific defaults merged under the client's request (e.g. Ollama `options`, `keep_alive`). */
  params?: Record<string, unknown>;
  /**
   * Drop parameters the provider cannot honour instead of answering 400. Resolved by routing for each
   * deployment (the model's setting, else the provider's), so a provider reads only this.
   */
  drop_unsupported_params?: boolean;
}

/** Upstream wait time recorded by a provider so the gateway can report its own overhead. */
export interface UpstreamTiming {
  /** Milliseconds spent waiting for the upstream (request sent → headers, plus time blocked on body reads). */
  waitMs: number;
}

/** One call routed to a provider. */
export interface ProviderRequest {
  endpoint: Endpoint;
  /** The client's JSON body, parsed, unmodified (the `model` field still holds the client's model id). */
  body: Record<string, unknown>;
  /** The client's original JSON bytes, for byte-exact passthrough. Absent for multipart requests. */
  rawBody?: Buffer;
  /** Multipart upload (transcriptions): the request stream, not buffered, and its content type. */
  upload?: {
    stream: Readable;
    contentType: string;
    /** Bytes, when the client declared it. */
    contentLength?: number;
  };
  /** The model id the client asked for. */
  clientModel: string;
  /** The upstream model name chosen by routing (the deployment's `model`). */
  model: string;
  /** True when the client asked for `stream: true`. */
  stream: boolean;
  /**
   * Aborted when the client disconnects, the gateway shuts down or a timeout passes; providers must stop
   * upstream work. `abort.signal` is an AbortSignal for libraries that take one.
   */
  abort: AbortWatch;
  /** Gateway request id (also sent upstream as `x-request-id`). */
  requestId: string;
  /**
   * W3C Trace Context `traceparent` of this attempt (https://www.w3.org/TR/trace-context/), to send upstream
   * as that header; set only when the gateway traces requests.
   */
  traceparent?: string;
  /** Settings of the routed model from config. */
  options: ModelOptions;
  /** Filled in by the provider. */
  timing: UpstreamTiming;
  /**
   * The client's request in its own protocol, when an ingress translated it into the canonical `body`
   * (e.g. `/v1/messages`). A provider that speaks that protocol natively serves this instead of `body`
   * and marks its answer with the same `protocol`; every other provider ignores it.
   */
  native?: NativeRequest;
  /**
   * True when the ingress asks for a `max_tokens` the model's context cannot hold (with the prompt) to be
   * lowered to what the context leaves instead of refused (`/v1/messages`: Anthropic clients size it for
   * Claude). Providers that count the prompt's tokens (the embedded engine, {@link Provider.clampsMaxTokens})
   * clamp exactly; for the others the router has lowered a budget of the whole context length or more on an
   * estimate (routing/completion-budget.ts).
   */
  clampMaxTokens?: boolean;
}

/**
 * Client protocols other than OpenAI chat completions that some providers speak natively: Anthropic Messages,
 * OpenAI's Responses API (`openai-responses`) and Ollama's native API (`ollama`, `/api/*`).
 */
export type NativeProtocol = 'anthropic' | 'openai-responses' | 'ollama';

/** A client request as it came in, before its ingress translated it (see {@link ProviderRequest.native}). */
export interface NativeRequest {
  protocol: NativeProtocol;
  /** Path below the provider's API base, with the client's query string (e.g. `/messages?beta=true`). */
  path: string;
  /** The client's parsed body (its `model` is still the client's model id). */
  body: Record<string, unknown>;
  /** The client's original JSON bytes. */
  rawBody?: Buffer;
  /** Client headers of that protocol to forward (e.g. `anthropic-beta`); never credentials. */
  headers: Record<string, string>;
}

/** A provider's answer. The HTTP layer writes it; providers never touch the client socket. */
export type ProviderResponse =
  /** A JSON body (OpenAI shape) with a status, usually 200. */
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /**
   * OpenAI chunk objects, written as SSE `data: {...}\n\n` then `data: [DONE]\n\n`. An error thrown by the
   * iterator after the first chunk becomes a final `data: {"error": {...}}` event.
   */
  | {
      kind: 'chunks';
      chunks: AsyncIterable<unknown>;
      headers?: Record<string, string>;
      /** Tokens of the prompt, when the provider counted them before the first chunk (the embedded engine). */
      promptTokens?: number;
    }
  /** Upstream bytes written as they arrive (passthrough), with the upstream's status and content type. */
  | {
      kind: 'bytes';
      status: number;
      contentType: string;
      body: AsyncIterable<Uint8Array>;
      headers?: Record<string, string>;
      /** Set when the body is in this client protocol (a {@link NativeRequest} served natively), not OpenAI's. */
      protocol?: NativeProtocol;
    };

/** Context handed to provider factories. */
export interface ProviderContext {
  logger: Logger;
  /** Directory of the config file, for resolving relative paths (bytes on disk, not URLs). */
  configDir: string;
}

/** A configured upstream. One instance per `providers.<id>` entry in switchyard.yaml. */
export interface Provider {
  /** The key under `providers:` in config; reported as `owned_by` on `/v1/models`. */
  readonly id: string;
  /** The config `type` (e.g. `embedded`, `vllm`, `ollama`). */
  readonly type: string;
  /** True when the gateway should list this provider's upstream models (`discover`, default per type). */
  readonly discover: boolean;
  /** Models available upstream; used for discovery and as the reachability check. Throws when unreachable. */
  listModels(signal: AbortSignal): Promise<DiscoveredModel[]>;
  /** Serves one request. Throws {@link GatewayError} / UpstreamError for failures a client should see. */
  handle(request: ProviderRequest): Promise<ProviderResponse>;
  /** Releases sockets, model memory and timers. */
  close(): Promise<void>;
  /**
   * Facts about the file of upstream model `model`, for providers that serve files (`embedded`).
   * @throws GatewayError 404 when the provider has no such model
   */
  describeModel?(model: string): Promise<ModelFacts>;
  /**
   * True when the provider honours {@link ProviderRequest.clampMaxTokens} itself, counting the prompt's tokens
   * exactly (`embedded`); the router then leaves the budget to it instead of lowering it on an estimate.
   */
  readonly clampsMaxTokens?: boolean;
  /** Upstream model names whose weights are in memory now, for providers that load them (`embedded`). */
  readonly loadedModels?: readonly string[];
  /** Where models can be pulled, copied, created and deleted, for providers that keep files (`embedded`). */
  readonly modelStore?: ModelStore;
}

/**
 * The 400 for an endpoint a provider type has no equivalent for, e.g. `/tokenize` on Ollama.
 * @param providerType config `type` of the provider
 * @param endpoint the gateway endpoint that was called
 */
export function unsupportedEndpoint(providerType: string, endpoint: Endpoint): GatewayError {
  return new GatewayError(400, `provider type '${providerType}' does not support the ${endpoint} endpoint`, {
    code: 'unsupported_endpoint',
  });
}
