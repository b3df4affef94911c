/**
 * `POST /v1/responses` (OpenAI API reference, Responses, Create a model response:
 * https://platform.openai.com/docs/api-reference/responses/create) over chat completions: the request (with the
 * conversation of its `previous_response_id`) becomes a canonical chat request routed like
 * `/v1/chat/completions` (retries, fallbacks, timeouts, cancellation on disconnect), and the answer comes back as
 * a response object or its event stream. A deployment whose provider implements the Responses API natively
 * (`native_responses`) gets the client's body untouched and its answer is passed back byte for byte (the upstream
 * keeps that response's state). With `store` (the default) a translated response is saved for `GET`,
 * `input_items` and later turns; with `background` it is answered at once (`queued`) and saved when done.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidParam } from '../../core/errors.js';
import { answerFailure } from '../../http/error-handler.js';
import { writeRouted } from '../../http/respond.js';
import { traceContext } from '../../http/trace-context.js';
import { chatToResponse } from '../../protocols/responses/chat-to-response.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { ProviderResponse } from '../../providers/provider.js';
import type { Router } from '../../routing/router.js';
import type { Store } from '../../store/store.js';
import type { BackgroundResponses } from './background-responses.js';
import { responseEventStream } from './event-stream.js';
import { jsonAnswer } from './json-answer.js';
import { prepareRequest, saveResponse } from './prepare-request.js';

/** Dependencies of the Responses routes. */
export interface ResponsesDeps {
  router: Router;
  store: Store;
  background: BackgroundResponses;
}

/**
 * Serves one create request. Never throws after taking over the socket: failures are written in OpenAI's
 * envelope (`response.failed` and `error` events once a stream began).
 * @throws GatewayError 400 naming the field the translation refuses (`background` without `store`, or with
 *   `stream`), 404 for an unknown `previous_response_id`, 503 when the request needs the store and it is down
 */
export async function handleCreateResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: ResponsesDeps,
): Promise<unknown> {
  const prepared = await prepareRequest(request.body, deps.store, request.log, true);
  const { body, context, headers } = prepared;
  const stream = body.stream === true;
  if (body.background === true) {
    if (!prepared.store)
      throw invalidParam('background', "'background' needs 'store' (the result is kept there)");
    if (stream) throw invalidParam('stream', "'stream' with 'background' is not supported by this gateway");
    const queued = await deps.background.start(prepared, request.log, request.id);
    reply.headers(headers);
    return queued;
  }
  const save = prepared.store
    ? (response: Record<string, unknown>) => saveResponse(deps.store, request.log, prepared, response)
    : undefined;
  const res = reply.raw;
  const client = new AbortSwitch();
  res.once('close', () => {
    if (!res.writableFinished) client.abort();
  });
  reply.hijack();
  try {
    const routed = await deps.router.dispatch({
      endpoint: 'chat.completions',
      body: prepared.translation.chat,
      model: body.model,
      stream,
      client,
      requestId: request.id,
      ...traceContext(request),
      native: {
        protocol: 'openai-responses',
        path: '/responses',
        body,
        ...(request.rawBody ? { rawBody: request.rawBody } : {}),
        headers: {},
      },
    });
    let response: ProviderResponse;
    if (routed.response.kind === 'bytes' && routed.response.protocol === 'openai-responses') {
      response = routed.response;
    } else if (stream) {
      response = {
        kind: 'bytes',
        status: 200,
        contentType: 'text/event-stream; charset=utf-8',
        body: await responseEventStream(routed.response, context, save),
        headers,
      };
    } else {
      const object = chatToResponse(jsonAnswer(routed.response), context);
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
  return reply;
}
