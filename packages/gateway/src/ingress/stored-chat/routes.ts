/**
 * Stored chat completions (OpenAI API reference, Chat Completions, List / Get / Get messages / Update / Delete:
 * https://platform.openai.com/docs/api-reference/chat/list) under every OpenAI prefix: `GET /chat/completions`
 * (`after`, `limit`, `order`, `model`, `metadata[key]=value`), `GET /chat/completions/{id}`,
 * `GET /chat/completions/{id}/messages`, `POST /chat/completions/{id}` (metadata), `DELETE /chat/completions/{id}`.
 * Each needs the store (503 `store_unavailable` when it is down); an unknown id is a 404 in OpenAI's envelope.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError, invalidParam } from '../../core/errors.js';
import type { StoredChatCompletion } from '../../store/chat-completion-records.js';
import type { Store } from '../../store/store.js';
import { OPENAI_PREFIXES } from '../openai/routes.js';

type Query = Record<string, string | undefined>;
type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Query }>;

/** @returns the registered paths with their methods (for 405 answers) */
export function registerStoredChatRoutes(app: FastifyInstance, store: Store): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  for (const prefix of OPENAI_PREFIXES) {
    const base = `${prefix}/chat/completions`;
    app.get(base, (request: FastifyRequest<{ Querystring: Query }>) => list(store, request.query));
    app.get(`${base}/:id`, async (request: IdRequest) =>
      completionObject(await find(store, request.params.id)),
    );
    app.get(`${base}/:id/messages`, async (request: IdRequest) =>
      messages(await find(store, request.params.id), request.query),
    );
    app.post(`${base}/:id`, { schema: { body: { type: 'object' } } }, (request: IdRequest) =>
      update(store, request.params.id, request.body),
    );
    app.delete(`${base}/:id`, async (request: IdRequest) => {
      const { id } = request.params;
      if (!(await store.chatCompletions.delete(id))) throw notFound(id);
      return { object: 'chat.completion.deleted', id, deleted: true };
    });
    paths.set(base, ['GET', 'POST']);
  }
  return paths;
}

async function list(store: Store, query: Query) {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const m = /^metadata\[(.+)\]$/.exec(key);
    if (m && value !== undefined) metadata[m[1]!] = value;
  }
  const { records, hasMore } = await store.chatCompletions.list({
    limit: pageLimit(query.limit),
    order: pageOrder(query.order),
    ...(query.after !== undefined ? { after: query.after } : {}),
    ...(query.model !== undefined ? { model: query.model } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  });
  const data = records.map(completionObject);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}

/** The request's messages, each with an id `<completion id>-<index>`, paged by `after`, `limit`, `order`. */
function messages(stored: StoredChatCompletion, query: Query) {
  const all = ((stored.request.messages as Record<string, unknown>[] | undefined) ?? []).map((m, i) => ({
    id: `${stored.id}-${i}`,
    ...m,
    content: typeof m.content === 'string' || m.content === null ? m.content : textOf(m.content),
    content_parts: Array.isArray(m.content) ? m.content : null,
  }));
  const ordered = pageOrder(query.order) === 'asc' ? all : all.reverse();
  const start = query.after === undefined ? 0 : ordered.findIndex((m) => m.id === query.after) + 1;
  const data =
    start === 0 && query.after !== undefined ? [] : ordered.slice(start, start + pageLimit(query.limit));
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + data.length < ordered.length,
  };
}

async function update(store: Store, id: string, body: unknown) {
  const metadata = (body as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw invalidParam('metadata', "'metadata' must be an object of string values");
  }
  if (!Object.values(metadata).every((v) => typeof v === 'string')) {
    throw invalidParam('metadata', "'metadata' values must be strings");
  }
  const updated = await store.chatCompletions.updateMetadata(id, metadata as Record<string, string>);
  if (!updated) throw notFound(id);
  return completionObject(updated);
}

async function find(store: Store, id: string): Promise<StoredChatCompletion> {
  const stored = await store.chatCompletions.get(id);
  if (!stored) throw notFound(id);
  return stored;
}

/** The stored completion as OpenAI returns it: the completion object with its `metadata`. */
function completionObject(stored: StoredChatCompletion) {
  return { ...stored.response, id: stored.id, metadata: stored.metadata };
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, `Chat completion with id '${id}' not found.`, {
    type: 'invalid_request_error',
  });
}

/** `limit`: 1–100, default 20. */
function pageLimit(value: string | undefined): number {
  const limit = value === undefined ? 20 : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidParam('limit', "'limit' must be an integer from 1 to 100");
  }
  return limit;
}

/** `order`: `asc` (default, as OpenAI's list) or `desc`. */
function pageOrder(value: string | undefined): 'asc' | 'desc' {
  if (value === undefined || value === 'asc' || value === 'desc') return value ?? 'asc';
  throw invalidParam('order', "'order' must be asc or desc");
}

function textOf(parts: unknown): string | null {
  if (!Array.isArray(parts)) return null;
  return parts
    .map((p) => ((p as { type?: unknown }).type === 'text' ? String((p as { text?: unknown }).text) : ''))
    .join('');
}
