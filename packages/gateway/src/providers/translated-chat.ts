/**
 * The request flow shared by provider types that translate OpenAI chat to another API (Anthropic, Gemini):
 * screening against the type's capabilities, legacy completions emulated over chat, and turning one upstream
 * chat answer (JSON or SSE) into an OpenAI chat completion or chunks.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Dispatcher } from 'undici';
import { peekFirst } from '../core/async-iterables.js';
import { unixSeconds } from '../core/ids.js';
import { includeUsage } from '../protocols/openai/chat-request.js';
import type { ProviderCapabilities } from './capabilities.js';
import { completionsOverChat } from './completions-over-chat.js';
import type { JsonUpstream } from './json-upstream.js';
import { ParamPolicy } from './param-policy.js';
import { type ProviderRequest, type ProviderResponse, unsupportedEndpoint } from './provider.js';

/** What a type's stream translator is told about the chunks to make. */
export interface ChatStreamOptions {
  /** The model id the client asked for. */
  model: string;
  /** The client's `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Unix seconds for `created`. */
  created: number;
}

/** How a chat-translating provider type takes part in {@link serveChatEndpoints}. */
export interface TranslatedChat {
  /** The type's capability data; its `type` names the provider type in errors. */
  capabilities: ProviderCapabilities;
  /** The type's capability entry for token-array prompts (they cannot be translated to text). */
  tokenPromptEntry: string;
  /** True when the upstream honours `n` itself; else legacy completions make one chat call per choice. */
  nativeN: boolean;
  /** The provider's connection to its upstream; stream bodies are decoded by it. */
  upstream: JsonUpstream;
  /**
   * Translates an OpenAI chat body already screened by `policy` and posts it upstream.
   * @returns the 2xx answer from {@link JsonUpstream.post}, body unread
   */
  send(
    body: Record<string, unknown>,
    signal: AbortSignal,
    policy: ParamPolicy,
  ): Promise<Dispatcher.ResponseData>;
  /** A whole upstream JSON answer → `chat.completion`; `created` in Unix seconds. */
  completion(json: unknown, created: number): ChatCompletion;
  /** The upstream's server-sent events → `chat.completion.chunk` objects. */
  chunks(
    events: AsyncIterable<EventSourceMessage>,
    options: ChatStreamOptions,
  ): AsyncIterable<ChatCompletionChunk>;
}

/**
 * Serves `chat.completions` with the type's chat translation and legacy `completions` emulated over it
 * (completions-over-chat.ts); each chat call screens its body with a fresh {@link ParamPolicy}.
 * @param drop `drop_unsupported_params` (the model's setting, else the provider's)
 * @throws GatewayError 400 `unsupported_endpoint` for any other endpoint, 400 for unsupported fields (unless
 *   dropping); UpstreamError from the upstream call or its answer
 */
export async function serveChatEndpoints(
  req: ProviderRequest,
  drop: boolean,
  spec: TranslatedChat,
): Promise<ProviderResponse> {
  const runChat = (body: Record<string, unknown>, signal: AbortSignal) => {
    const policy = new ParamPolicy(spec.capabilities, 'chat.completions', drop);
    return chatOnce(policy.screen(body), req.clientModel, signal, policy, spec);
  };
  if (req.endpoint === 'chat.completions') return runChat(req.body, req.abort.signal);
  if (req.endpoint === 'completions') {
    return completionsOverChat(req.body, runChat, {
      model: req.clientModel,
      nativeN: spec.nativeN,
      policy: new ParamPolicy(spec.capabilities, 'completions', drop),
      tokenPromptEntry: spec.tokenPromptEntry,
      signal: req.abort.signal,
    });
  }
  throw unsupportedEndpoint(spec.capabilities.type, req.endpoint);
}

/**
 * One upstream chat call: a `json` chat completion, or (when the body asks for `stream: true`) `chunks`,
 * after waiting for the first chunk so that an upstream error in place of the first event still rejects with
 * its status. The policy's dropped-parameter headers go on either.
 */
async function chatOnce(
  body: Record<string, unknown>,
  clientModel: string,
  signal: AbortSignal,
  policy: ParamPolicy,
  spec: TranslatedChat,
): Promise<ProviderResponse> {
  const res = await spec.send(body, signal, policy);
  const headers = policy.headers();
  const created = unixSeconds();
  if (body.stream !== true) {
    return { kind: 'json', status: 200, body: spec.completion(await res.body.json(), created), headers };
  }
  const chunks = spec.chunks(spec.upstream.events(res, signal), {
    model: clientModel,
    includeUsage: includeUsage(body),
    created,
  });
  const { items } = await peekFirst(chunks);
  return { kind: 'chunks', chunks: items, headers };
}
