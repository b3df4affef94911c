import type { FastifyBaseLogger } from 'fastify';
import { invalidParam } from '../../core/errors.js';
import { newId, unixSeconds } from '../../core/ids.js';
import { inputItems, type ResponseItem } from '../../protocols/responses/items-to-messages.js';
import { type ChatTranslation, responsesToChat } from '../../protocols/responses/request-to-chat.js';
import type { ResponseContext } from '../../protocols/responses/response-object.js';
import type { Store } from '../../store/store.js';
import { conversationItems } from './conversation.js';

/** Response header naming the hosted tools left out for a chat-only provider, comma-separated. */
export const DROPPED_TOOLS_HEADER = 'x-switchyard-dropped-tools';

/** A Responses request read, with its conversation, and translated. */
export interface PreparedRequest {
  body: Record<string, unknown> & { model: string };
  /** True when the response is to be stored (`store` not false). */
  store: boolean;
  input: ResponseItem[];
  translation: ChatTranslation;
  context: ResponseContext;
  /** Headers for the answer (`x-switchyard-dropped-tools`). */
  headers: Record<string, string>;
}

/**
 * Reads a create (or input_tokens) request: loads the `previous_response_id` chain and translates the whole
 * conversation to chat.
 * @param saves whether this request would store its response (false for input_tokens)
 * @throws GatewayError 400 naming the field the translation refuses (also `conversation`: the Conversations API is
 *   not implemented, and it conflicts with `previous_response_id`), 404 for an unknown `previous_response_id`,
 *   StoreUnavailableError 503 when the store is needed (`store`, `previous_response_id`) and down
 */
export async function prepareRequest(
  raw: unknown,
  store: Store,
  log: FastifyBaseLogger,
  saves: boolean,
): Promise<PreparedRequest> {
  const body = raw as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '') throw invalidParam('model', "'model' is required");
  const keep = saves && body.store !== false;
  const previous = body.previous_response_id;
  if (previous !== undefined && previous !== null && typeof previous !== 'string') {
    throw invalidParam('previous_response_id', "'previous_response_id' must be a string");
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    throw invalidParam(
      'conversation',
      previous
        ? "'conversation' and 'previous_response_id' cannot be used together"
        : "'conversation' is not supported by this gateway; use 'previous_response_id'",
    );
  }
  if (keep || previous) await store.ready();
  const history = previous ? await conversationItems(store.responses, previous) : [];
  const input = inputItems(body.input);
  const translation = responsesToChat(body, history, input);
  const headers: Record<string, string> = {};
  if (translation.droppedTools.length > 0) {
    headers[DROPPED_TOOLS_HEADER] = translation.droppedTools.join(', ');
    log.info({ dropped_tools: translation.droppedTools }, 'responses: hosted tools left out');
  }
  return {
    body: body as PreparedRequest['body'],
    store: keep,
    input,
    translation,
    headers,
    context: {
      id: newId('resp_'),
      createdAt: unixSeconds(),
      model: body.model,
      request: body,
      toolNames: translation.toolNames,
    },
  };
}

/**
 * Saves a response of a prepared request (inserted, or replaced for a background response that ends). A store
 * that fails now (after the answer was made) is logged, not reported: the client still gets its answer, and a
 * later `GET` of it is a 404.
 */
export async function saveResponse(
  store: Store,
  log: FastifyBaseLogger,
  prepared: PreparedRequest,
  response: Record<string, unknown>,
): Promise<void> {
  const { input: _input, ...request } = prepared.body;
  try {
    await store.responses.save({
      id: prepared.context.id,
      createdAt: prepared.context.createdAt * 1000,
      model: prepared.context.model,
      status: String(response.status),
      previousResponseId: (prepared.body.previous_response_id as string | undefined) ?? null,
      request,
      inputItems: prepared.input,
      response,
    });
  } catch (err) {
    log.error(
      { err: (err as Error).message, response_id: prepared.context.id },
      'responses: could not store the response',
    );
  }
}
