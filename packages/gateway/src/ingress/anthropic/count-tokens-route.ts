/**
 * `POST /v1/messages/count_tokens` (Anthropic API reference, Count Message tokens:
 * https://docs.anthropic.com/en/api/messages-count-tokens): `{input_tokens}` for a Messages request without
 * `max_tokens`. The request is routed as a `tokenize` call on the canonical chat messages, so the count
 * comes from where the model runs: the embedded engine's tokenizer over the rendered chat template,
 * vLLM's or llama.cpp's `/tokenize`, and an `anthropic` provider's own count endpoint (the client's body
 * forwarded, model replaced). A provider that cannot count gets the documented estimate of
 * protocols/anthropic/token-estimate.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, UpstreamError } from '../../core/errors.js';
import { messagesToChat } from '../../protocols/anthropic/messages-to-chat.js';
import { estimateInputTokens } from '../../protocols/anthropic/token-estimate.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { ProviderResponse } from '../../providers/provider.js';
import type { Router } from '../../routing/router.js';
import { forwardedHeaders, queryOf } from './native-request.js';

/** The answer of Count Tokens. */
export interface CountTokensBody {
  /** Tokens of the request's input (system, messages, tools). */
  input_tokens: number;
}

/**
 * Serves one Count Tokens request.
 * @returns the answer; the route writes it (errors go through the route's Anthropic error rendering)
 * @throws GatewayError 400 for a body the canonical mapping refuses; whatever routing throws but an
 *   `unsupported_endpoint` refusal, which gives the estimate
 */
export async function handleCountTokens(
  request: FastifyRequest,
  reply: FastifyReply,
  router: Router,
): Promise<CountTokensBody | Buffer> {
  const body = request.body as Record<string, unknown>;
  const chat = messagesToChat(body);
  const client = new AbortSwitch();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) client.abort();
  });
  let response: ProviderResponse;
  try {
    const routed = await router.dispatch({
      endpoint: 'tokenize',
      body: {
        model: body.model,
        messages: chat.messages,
        ...(chat.tools ? { tools: chat.tools } : {}),
        add_generation_prompt: true,
      },
      model: body.model as string,
      stream: false,
      client,
      requestId: request.id,
      native: {
        protocol: 'anthropic',
        path: `/messages/count_tokens${queryOf(request.url)}`,
        body,
        ...(request.rawBody ? { rawBody: request.rawBody } : {}),
        headers: forwardedHeaders(request),
      },
    });
    response = routed.response;
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'unsupported_endpoint') {
      return { input_tokens: estimateInputTokens(body) };
    }
    throw err;
  }
  if (response.kind === 'bytes' && response.protocol === 'anthropic') {
    reply.type(response.contentType);
    return Buffer.concat(await collect(response.body));
  }
  return { input_tokens: countOf(await jsonOf(response)) };
}

async function jsonOf(response: ProviderResponse): Promise<unknown> {
  if (response.kind === 'json') return response.body;
  if (response.kind === 'bytes') {
    const text = Buffer.concat(await collect(response.body)).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new UpstreamError(502, 'the upstream answered the token count with invalid JSON', {
        failure: 'protocol',
      });
    }
  }
  throw new UpstreamError(502, 'the upstream answered the token count with a stream', {
    failure: 'protocol',
  });
}

/** `count` of a vLLM-shaped tokenize answer (`{count, max_model_len, tokens}`). */
function countOf(json: unknown): number {
  const count = (json as { count?: unknown } | null)?.count;
  if (typeof count !== 'number') {
    throw new UpstreamError(502, "the upstream's token count has no 'count'", { failure: 'protocol' });
  }
  return count;
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return parts;
}
