/**
 * `POST /v1/responses` (OpenAI API reference, Responses, Create a model response:
 * https://platform.openai.com/docs/api-reference/responses/create) over chat completions: the request (with the
 * conversation of its `previous_response_id`) becomes a canonical chat request routed like
 * `/v1/chat/completions` (retries, fallbacks, timeouts, cancellation on disconnect), and the answer comes back as
 * a response object or its event stream. With `store` (the default) the response is saved for `GET`,
 * `input_items` and later turns.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, invalidParam, UpstreamError } from '../../core/errors.js';
import { newId, unixSeconds } from '../../core/ids.js';
import { answerFailure } from '../../http/error-handler.js';
import { writeRouted } from '../../http/respond.js';
import { chatToResponse } from '../../protocols/responses/chat-to-response.js';
import { inputItems, type ResponseItem } from '../../protocols/responses/items-to-messages.js';
import { responsesToChat } from '../../protocols/responses/request-to-chat.js';
import type { ResponseContext } from '../../protocols/responses/response-object.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { ProviderResponse } from '../../providers/provider.js';
import { WholeBody } from '../../routing/guarded-response.js';
import type { Router } from '../../routing/router.js';
import type { Store } from '../../store/store.js';
import { conversationItems } from './conversation.js';
import { responseEventStream } from './event-stream.js';

/** Response header naming the hosted tools left out for a chat-only provider, comma-separated. */
export const DROPPED_TOOLS_HEADER = 'x-switchyard-dropped-tools';

/** Dependencies of the Responses routes. */
export interface ResponsesDeps {
  router: Router;
  store: Store;
}

/**
 * Serves one create request. Never throws after taking over the socket: failures are written in OpenAI's
 * envelope (a `response.failed` event once a stream began).
 * @throws GatewayError 400 naming the field the translation refuses, 404 for an unknown `previous_response_id`,
 *   503 when the request needs the store (`store` not false, or `previous_response_id`) and it is down
 */
export async function handleCreateResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: ResponsesDeps,
): Promise<void> {
  const body = request.body as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '') throw invalidParam('model', "'model' is required");
  const store = body.store !== false;
  const previous = body.previous_response_id;
  if (previous !== undefined && previous !== null && typeof previous !== 'string') {
    throw invalidParam('previous_response_id', "'previous_response_id' must be a string");
  }
  if (store || previous) await deps.store.ready();
  const history = previous ? await conversationItems(deps.store.responses, previous) : [];
  const input = inputItems(body.input);
  const translation = responsesToChat(body, history, input);
  const context: ResponseContext = {
    id: newId('resp_'),
    createdAt: unixSeconds(),
    model: body.model,
    request: body,
    toolNames: translation.toolNames,
  };
  const headers: Record<string, string> = {};
  if (translation.droppedTools.length > 0) {
    headers[DROPPED_TOOLS_HEADER] = translation.droppedTools.join(', ');
    request.log.info({ dropped_tools: translation.droppedTools }, 'responses: hosted tools left out');
  }
  const save = store
    ? (response: Record<string, unknown>) => saveResponse(deps.store, request.log, context, input, response)
    : undefined;
  const stream = body.stream === true;
  const res = reply.raw;
  const client = new AbortSwitch();
  res.once('close', () => {
    if (!res.writableFinished) client.abort();
  });
  reply.hijack();
  try {
    const routed = await deps.router.dispatch({
      endpoint: 'chat.completions',
      body: translation.chat,
      model: body.model,
      stream,
      client,
      requestId: request.id,
    });
    let response: ProviderResponse;
    if (stream) {
      response = {
        kind: 'bytes',
        status: 200,
        contentType: 'text/event-stream; charset=utf-8',
        body: await responseEventStream(routed.response, context, save),
        headers,
      };
    } else {
      const object = chatToResponse(completionOf(routed.response), context);
      await save?.(object);
      response = { kind: 'json', status: 200, body: object, headers };
    }
    request.server.metrics.observeOverhead(
      'responses',
      await writeRouted(res, { ...routed, response }, request),
    );
  } catch (err) {
    answerFailure(reply, client, err);
  }
}

/**
 * Saves a finished response. A store that fails now (after the answer was made) is logged, not reported: the
 * client still gets its answer, and a later `GET` of it is a 404.
 */
async function saveResponse(
  store: Store,
  log: FastifyBaseLogger,
  context: ResponseContext,
  input: readonly ResponseItem[],
  response: Record<string, unknown>,
): Promise<void> {
  const { input: _input, ...request } = context.request;
  try {
    await store.responses.save({
      id: context.id,
      createdAt: context.createdAt * 1000,
      model: context.model,
      status: String(response.status),
      previousResponseId: (context.request.previous_response_id as string | undefined) ?? null,
      request,
      inputItems: [...input],
      response,
    });
  } catch (err) {
    log.error(
      { err: (err as Error).message, response_id: context.id },
      'responses: could not store the response',
    );
  }
}

/**
 * The chat completion JSON of a non-streamed answer.
 * @throws UpstreamError with the upstream's status for an error body it passed through; 502 for a body that is not
 *   JSON
 */
function completionOf(response: ProviderResponse): unknown {
  if (response.kind === 'json') return response.body;
  if (response.kind === 'bytes' && response.body instanceof WholeBody) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.bytes.toString('utf8'));
    } catch {
      throw new UpstreamError(502, 'the upstream answered with invalid JSON', { failure: 'protocol' });
    }
    if (response.status >= 400) {
      const error = (parsed as { error?: { message?: unknown } })?.error;
      throw new GatewayError(response.status, String(error?.message ?? 'the upstream refused the request'));
    }
    return parsed;
  }
  throw new UpstreamError(502, 'the upstream streamed an answer that was asked for whole', {
    failure: 'protocol',
  });
}
