/**
 * Responses API items (OpenAI API reference, Responses, Create a model response, `input`:
 * https://platform.openai.com/docs/api-reference/responses/create) as chat completion messages: `message` items
 * (input or output) become messages of their role, `function_call` items assistant `tool_calls`,
 * `function_call_output` items `tool` messages, and `reasoning` items are dropped (chat requests carry none).
 */
import { invalidParam } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { chatToolName } from './tools-to-chat.js';

/** A Responses item as JSON. */
export type ResponseItem = Record<string, unknown>;

/** Roles a `message` item may have. */
const ROLES = new Set(['user', 'assistant', 'system', 'developer']);

/**
 * The request's `input` as items, each with an `id` (kept when the client sent one): a string becomes one user
 * message with an `input_text` part.
 * @throws GatewayError 400 (`input`) when neither a string nor an array of objects with a `type` (a `role` alone
 *   means `message`, as the API allows)
 */
export function inputItems(input: unknown): ResponseItem[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') {
    return [
      { id: newId('msg_'), type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] },
    ];
  }
  if (!Array.isArray(input)) throw invalidParam('input', "'input' must be a string or an array of items");
  return input.map((item, i) => {
    const it = item as ResponseItem;
    if (typeof it !== 'object' || it === null)
      throw invalidParam(`input[${i}]`, `'input[${i}]' must be an object`);
    const type = it.type ?? (typeof it.role === 'string' ? 'message' : undefined);
    if (typeof type !== 'string') throw invalidParam(`input[${i}].type`, `'input[${i}].type' is required`);
    return { id: typeof it.id === 'string' ? it.id : newId(idPrefix(type)), ...it, type };
  });
}

function idPrefix(type: string): string {
  if (type === 'function_call') return 'fc_';
  if (type === 'function_call_output') return 'fco_';
  if (type === 'reasoning') return 'rs_';
  return 'msg_';
}

/**
 * Chat messages for a conversation's items, in order (earlier turns first).
 * @param items every item of the conversation: inputs and outputs of earlier responses, then this request's input
 * @param param request path of the items that are this request's (`input`), for error messages
 * @param firstOwn index of the first item that is this request's
 * @throws GatewayError 400 naming the item for an unknown item type, a message with an unknown role or content
 *   part, a `function_call_output` whose `call_id` no `function_call` before it has
 */
export function itemsToMessages(items: readonly ResponseItem[], firstOwn = 0): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = [];
  const calls = new Set<string>();
  items.forEach((item, i) => {
    const param =
      i >= firstOwn ? `input[${i - firstOwn}]` : `previous_response_id (item ${item.id as string})`;
    switch (item.type) {
      case 'message':
        messages.push(messageOf(item, param));
        return;
      case 'function_call': {
        if (typeof item.call_id !== 'string' || typeof item.name !== 'string') {
          throw invalidParam(param, `'${param}' must be a function_call with a call_id and a name`);
        }
        calls.add(item.call_id);
        const call = {
          id: item.call_id,
          type: 'function',
          function: {
            name: chatToolName(item.name, typeof item.namespace === 'string' ? item.namespace : undefined),
            arguments: typeof item.arguments === 'string' ? item.arguments : '',
          },
        };
        const last = messages.at(-1);
        if (last?.role !== 'assistant')
          messages.push({ role: 'assistant', content: null, tool_calls: [call] });
        else if (Array.isArray(last.tool_calls)) last.tool_calls.push(call);
        else last.tool_calls = [call];
        return;
      }
      case 'function_call_output': {
        if (typeof item.call_id !== 'string' || !calls.has(item.call_id)) {
          throw invalidParam(
            `${param}.call_id`,
            `No tool call found for function call output with call_id ${String(item.call_id)}.`,
          );
        }
        messages.push({
          role: 'tool',
          tool_call_id: item.call_id,
          content: outputText(item.output, `${param}.output`),
        });
        return;
      }
      case 'reasoning':
        return;
      default:
        throw invalidParam(
          `${param}.type`,
          `'${param}.type' '${String(item.type)}' is not supported by this gateway`,
        );
    }
  });
  return messages;
}

function messageOf(item: ResponseItem, param: string): Record<string, unknown> {
  const role = item.role;
  if (typeof role !== 'string' || !ROLES.has(role)) {
    throw invalidParam(`${param}.role`, `'${param}.role' must be one of user, assistant, system, developer`);
  }
  const content = item.content;
  if (typeof content === 'string') return { role, content };
  if (!Array.isArray(content))
    throw invalidParam(`${param}.content`, `'${param}.content' must be a string or an array`);
  const parts = content.map((part, j) => contentPart(part as ResponseItem, `${param}.content[${j}]`));
  if (role !== 'user' && parts.every((p) => p.type === 'text')) {
    return { role, content: parts.map((p) => p.text as string).join('') };
  }
  return { role, content: parts };
}

/** One content part as a chat content part. */
function contentPart(part: ResponseItem, param: string): Record<string, unknown> {
  switch (part?.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: String(part.text ?? '') };
    case 'refusal':
      return { type: 'text', text: String(part.refusal ?? '') };
    case 'input_image': {
      if (typeof part.image_url !== 'string') {
        throw invalidParam(
          `${param}.image_url`,
          `'${param}' needs an image_url (file_id is not supported here)`,
        );
      }
      const detail = typeof part.detail === 'string' ? { detail: part.detail } : {};
      return { type: 'image_url', image_url: { url: part.image_url, ...detail } };
    }
    case 'input_file': {
      if (typeof part.file_data !== 'string') {
        throw invalidParam(
          `${param}.file_data`,
          `'${param}' needs file_data (file_id and file_url are not supported here)`,
        );
      }
      const filename = typeof part.filename === 'string' ? { filename: part.filename } : {};
      return { type: 'file', file: { file_data: part.file_data, ...filename } };
    }
    default:
      throw invalidParam(
        `${param}.type`,
        `'${param}.type' '${String(part?.type)}' is not a supported content part`,
      );
  }
}

/** A `function_call_output`'s `output`: a string, or content parts whose text is joined. */
function outputText(output: unknown, param: string): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    return output
      .map((p) => {
        const part = p as ResponseItem;
        if (part?.type === 'input_text' || part?.type === 'output_text') return String(part.text ?? '');
        throw invalidParam(param, `'${param}' may hold only text parts here`);
      })
      .join('');
  }
  throw invalidParam(param, `'${param}' must be a string or an array of parts`);
}
