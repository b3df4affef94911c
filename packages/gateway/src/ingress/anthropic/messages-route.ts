/**
 * `POST /v1/messages` (Anthropic API reference, Messages: https://docs.anthropic.com/en/api/messages): the
 * request becomes a canonical chat request routed exactly as `/v1/chat/completions` is (retries,
 * fallbacks, timeouts, cancellation when the client disconnects); the answer comes back as an Anthropic
 * `Message` or event stream. A deployment on an `anthropic` provider gets the client's body as is (model
 * replaced) and its bytes are piped back. On a translated path a `max_tokens` the model's context cannot hold
 * is lowered to what it leaves (routing/completion-budget.ts), as Anthropic clients size it for Claude.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayError } from '../../core/errors.js';
import { answerFailure } from '../../http/error-handler.js';
import { writeRouted } from '../../http/respond.js';
import { traceContext } from '../../http/trace-context.js';
import { anthropicError } from '../../protocols/anthropic/error-envelope.js';
import { messagesToChat } from '../../protocols/anthropic/messages-to-chat.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { Router } from '../../routing/router.js';
import { anthropicResponse } from './message-response.js';
import { forwardedHeaders, queryOf } from './native-request.js';

/**
 * Serves one Messages request. Never throws after taking over the socket: failures are written in
 * Anthropic's envelope (an `event: error` once the stream began).
 * @throws GatewayError 400 for a body the canonical mapping refuses (before the socket is taken over, so
 *   the route's error rendering answers)
 */
export async function handleMessages(
  request: FastifyRequest,
  reply: FastifyReply,
  router: Router,
): Promise<void> {
  const body = request.body as Record<string, unknown>;
  const chat = messagesToChat(body);
  const stream = body.stream === true;
  const stopSequences = Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]) : [];
  const res = reply.raw;
  const client = new AbortSwitch();
  res.once('close', () => {
    if (!res.writableFinished) client.abort();
  });
  reply.hijack();
  try {
    const routed = await router.dispatch({
      endpoint: 'chat.completions',
      body: chat,
      model: body.model as string,
      stream,
      client,
      requestId: request.id,
      clampMaxTokens: true,
      ...traceContext(request),
      native: {
        protocol: 'anthropic',
        path: `/messages${queryOf(request.url)}`,
        body,
        ...(request.rawBody ? { rawBody: request.rawBody } : {}),
        headers: forwardedHeaders(request),
      },
    });
    const response = await anthropicResponse(routed.response, { model: body.model as string, stopSequences });
    request.server.metrics.observeOverhead(
      'messages',
      await writeRouted(res, { ...routed, response }, request),
    );
  } catch (err) {
    answerFailure(reply, client, err, writeError);
  }
}

/** Writes an error in Anthropic's envelope on a socket the handler took over. */
function writeError(reply: FastifyReply, error: GatewayError): void {
  const res = reply.raw;
  if (res.destroyed || res.headersSent) return;
  const { status, body } = anthropicError(error, reply.request.id);
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...error.headers,
    'request-id': reply.request.id,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
