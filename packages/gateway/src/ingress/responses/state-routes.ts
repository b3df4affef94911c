/**
 * The stored-response routes (OpenAI API reference, Responses: https://platform.openai.com/docs/api-reference/responses):
 * `GET /responses/{id}` (with `stream=true`, the stored response replayed as its event stream), `DELETE
 * /responses/{id}` and `GET /responses/{id}/input_items` (paginated). Each needs the store: 503
 * `store_unavailable` when it is down; an unknown, deleted or expired id is a 404 in OpenAI's envelope.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidParam } from '../../core/errors.js';
import { eventFrame } from '../../protocols/responses/chunks-to-events.js';
import { replayEvents } from '../../protocols/responses/response-replay.js';
import type { StoredResponse } from '../../store/response-records.js';
import type { Store } from '../../store/store.js';
import { responseNotFound } from './conversation.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>;

/** `GET /responses/{id}`: the response object, or with `stream=true` its events (after `starting_after`). */
export async function getResponse(store: Store, request: IdRequest, reply: FastifyReply): Promise<unknown> {
  const stored = await storedResponse(store, request.params.id);
  if (request.query.stream !== 'true') return stored.response;
  const after = request.query.starting_after;
  const startingAfter = after === undefined ? undefined : Number(after);
  if (startingAfter !== undefined && !Number.isInteger(startingAfter)) {
    throw invalidParam('starting_after', "'starting_after' must be an integer");
  }
  const events = replayEvents(stored.response, startingAfter);
  reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache');
  return events.map(eventFrame).join('');
}

/** `DELETE /responses/{id}`: `{id, object: "response", deleted: true}`. */
export async function deleteResponse(store: Store, request: IdRequest): Promise<unknown> {
  const { id } = request.params;
  if (!(await store.responses.delete(id))) throw responseNotFound(id);
  return { id, object: 'response', deleted: true };
}

/**
 * `GET /responses/{id}/input_items`: the request's input items as a list page; `order` (`desc` by default, as
 * OpenAI), `after` (an item id), `limit` (1–100, default 20).
 * @throws GatewayError 400 naming `limit` or `order` when out of range
 */
export async function listInputItems(store: Store, request: IdRequest): Promise<unknown> {
  const stored = await storedResponse(store, request.params.id);
  const { after, order = 'desc' } = request.query;
  const limit = request.query.limit === undefined ? 20 : Number(request.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidParam('limit', "'limit' must be an integer from 1 to 100");
  }
  if (order !== 'asc' && order !== 'desc') throw invalidParam('order', "'order' must be asc or desc");
  const items = order === 'asc' ? stored.inputItems : [...stored.inputItems].reverse();
  const start = after === undefined ? 0 : items.findIndex((item) => item.id === after) + 1;
  const data = start === 0 && after !== undefined ? [] : items.slice(start, start + limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + data.length < items.length,
  };
}

/** @throws GatewayError 404 when the id is unknown, deleted or expired */
export async function storedResponse(store: Store, id: string): Promise<StoredResponse> {
  const stored = await store.responses.get(id);
  if (!stored) throw responseNotFound(id);
  return stored;
}
