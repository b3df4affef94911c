/**
 * State of a Responses API conversation (OpenAI docs, Conversation state, "Passing context from the previous
 * response": https://platform.openai.com/docs/guides/conversation-state): the items of every stored response
 * in a `previous_response_id` chain, oldest first, for providers that only know chat completions.
 */
import { GatewayError } from '../../core/errors.js';
import type { ResponseItem } from '../../protocols/responses/items-to-messages.js';
import type { ResponseRecords } from '../../store/response-records.js';

/** Longest chain followed; a longer one is cut at its oldest end. */
const MAX_CHAIN = 1_000;

/**
 * @returns the input items and output items of each response of the chain ending at `id`, oldest first
 * @throws GatewayError 404 (`previous_response_id`) when `id` is unknown, deleted or expired;
 *   StoreUnavailableError 503 when the store cannot be reached
 */
export async function conversationItems(responses: ResponseRecords, id: string): Promise<ResponseItem[]> {
  const turns: ResponseItem[][] = [];
  let next: string | null = id;
  while (next !== null && turns.length < MAX_CHAIN) {
    const stored = await responses.get(next);
    if (!stored) {
      if (next === id) throw responseNotFound(id, 'previous_response_id');
      break;
    }
    turns.unshift([...stored.inputItems, ...((stored.response.output as ResponseItem[] | undefined) ?? [])]);
    next = stored.previousResponseId;
  }
  return turns.flat();
}

/** OpenAI's answer for an unknown response id, in its envelope, with status 404. */
export function responseNotFound(id: string, param: string | null = null): GatewayError {
  return new GatewayError(404, `Response with id '${id}' not found.`, {
    type: 'invalid_request_error',
    param,
  });
}
