/**
 * `GET /v1/models` and `GET /v1/models/{model_id}` in Anthropic's shape, for requests that carry
 * `anthropic-version` (Anthropic API reference, List Models: https://docs.anthropic.com/en/api/models-list,
 * Get a Model: https://docs.anthropic.com/en/api/models): `{data: ModelInfo[], has_more, first_id, last_id}`
 * paged by `limit` (1–1000, default 20), `after_id` and `before_id`; a `ModelInfo` is
 * `{type: "model", id, display_name, created_at}` with `created_at` in RFC 3339.
 */
import { GatewayError, invalidParam } from '../../core/errors.js';
import type { ServedModel } from '../../routing/model-registry.js';

/** Anthropic's default and largest page sizes (List Models reference, `limit`). */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** One model in Anthropic's shape. */
export interface AnthropicModelInfo {
  type: 'model';
  id: string;
  /** The gateway has no human-readable name: the model id. */
  display_name: string;
  /** RFC 3339 time the model was added (the served model's `created`). */
  created_at: string;
}

/** One page of models. */
export interface AnthropicModelPage {
  data: AnthropicModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** `ServedModel` → `ModelInfo`. */
export function anthropicModelInfo(model: ServedModel): AnthropicModelInfo {
  return {
    type: 'model',
    id: model.id,
    display_name: model.id,
    created_at: new Date(model.created * 1000).toISOString(),
  };
}

/**
 * The page of `models` the query asks for: the models after `after_id`, or the `limit` models just before
 * `before_id`, else the first `limit`.
 * @param query the request's query string values
 * @throws GatewayError 400 for a `limit` outside 1–1000 or both cursors at once; 404 for an unknown cursor id
 */
export function anthropicModelPage(
  models: readonly ServedModel[],
  query: Record<string, unknown>,
): AnthropicModelPage {
  const limit = limitOf(query.limit);
  const after = cursor(query.after_id, 'after_id');
  const before = cursor(query.before_id, 'before_id');
  if (after !== undefined && before !== undefined) {
    throw invalidParam('before_id', "send either 'after_id' or 'before_id', not both");
  }
  let start = 0;
  let end = models.length;
  if (after !== undefined) start = indexOf(models, after, 'after_id') + 1;
  if (before !== undefined) end = indexOf(models, before, 'before_id');
  const page =
    before !== undefined ? models.slice(Math.max(0, end - limit), end) : models.slice(start, start + limit);
  const hasMore = before !== undefined ? end - page.length > 0 : start + page.length < models.length;
  const data = page.map(anthropicModelInfo);
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

function limitOf(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const limit = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw invalidParam('limit', `'limit' must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

function cursor(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw invalidParam(name, `'${name}' must be a model id`);
  return value;
}

function indexOf(models: readonly ServedModel[], id: string, name: string): number {
  const at = models.findIndex((m) => m.id === id);
  if (at === -1) {
    throw new GatewayError(404, `The model '${id}' in '${name}' does not exist`, {
      param: name,
      code: 'model_not_found',
    });
  }
  return at;
}
