import type { SqlExecutor } from './sql-driver.js';

/**
 * One stored chat completion (OpenAI API reference, Chat Completions, `store`:
 * https://platform.openai.com/docs/api-reference/chat/create): the request's messages and the completion.
 */
export interface StoredChatCompletion {
  /** The completion's `id` (`chatcmpl-…`). */
  id: string;
  /** ms since the epoch. */
  createdAt: number;
  model: string;
  /** The request's `metadata` (string keys and values), `{}` when none. */
  metadata: Record<string, string>;
  /** The request body as the client sent it. */
  request: Record<string, unknown>;
  /** The `chat.completion` object the client received. */
  response: Record<string, unknown>;
}

/** A page query of `GET /v1/chat/completions`. */
export interface ChatCompletionQuery {
  /** Id of the last completion of the previous page. */
  after?: string;
  /** Page size, 1–100. */
  limit: number;
  /** By creation time. */
  order: 'asc' | 'desc';
  model?: string;
  /** Every pair must match the completion's metadata. */
  metadata?: Record<string, string>;
}

interface ChatCompletionRow {
  id: string;
  created_at: number;
  model: string;
  metadata: string;
  request: string;
  response: string;
}

/** The `chat_completions` table. Expired rows (past `expires_at`) read as absent. */
export class ChatCompletionRecords {
  constructor(
    private readonly sql: () => Promise<SqlExecutor>,
    private readonly retentionMs: number,
  ) {}

  async save(record: StoredChatCompletion): Promise<void> {
    const expiresAt = this.retentionMs > 0 ? record.createdAt + this.retentionMs : null;
    await (await this.sql()).query(
      `INSERT INTO chat_completions (id, created_at, expires_at, model, metadata, request, response)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        record.id,
        record.createdAt,
        expiresAt,
        record.model,
        JSON.stringify(record.metadata),
        JSON.stringify(record.request),
        JSON.stringify(record.response),
      ],
    );
  }

  async get(id: string, now = Date.now()): Promise<StoredChatCompletion | undefined> {
    const { rows } = await (await this.sql()).query<ChatCompletionRow>(
      `SELECT id, created_at, model, metadata, request, response FROM chat_completions
       WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2)`,
      [id, now],
    );
    return rows[0] && fromRow(rows[0]);
  }

  /** @returns up to `limit` completions in `order`, and whether more follow */
  async list(
    query: ChatCompletionQuery,
    now = Date.now(),
  ): Promise<{ records: StoredChatCompletion[]; hasMore: boolean }> {
    const sql = await this.sql();
    const params: (string | number)[] = [now];
    const where = ['(expires_at IS NULL OR expires_at > $1)'];
    if (query.model !== undefined) {
      params.push(query.model);
      where.push(`model = $${params.length}`);
    }
    for (const [key, value] of Object.entries(query.metadata ?? {})) {
      params.push(sql.dialect === 'sqlite' ? `$."${key.replaceAll('"', '""')}"` : key, value);
      const field =
        sql.dialect === 'sqlite'
          ? `json_extract(metadata, $${params.length - 1})`
          : `(metadata::jsonb ->> $${params.length - 1})`;
      where.push(`${field} = $${params.length}`);
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    if (query.after !== undefined) {
      params.push(query.after);
      where.push(
        `(created_at, id) ${query.order === 'asc' ? '>' : '<'} (SELECT created_at, id FROM chat_completions WHERE id = $${params.length})`,
      );
    }
    params.push(query.limit + 1);
    const { rows } = await sql.query<ChatCompletionRow>(
      `SELECT id, created_at, model, metadata, request, response FROM chat_completions
       WHERE ${where.join(' AND ')} ORDER BY created_at ${direction}, id ${direction} LIMIT $${params.length}`,
      params,
    );
    return { records: rows.slice(0, query.limit).map(fromRow), hasMore: rows.length > query.limit };
  }

  /** Replaces the metadata. @returns the updated completion, or undefined when unknown */
  async updateMetadata(
    id: string,
    metadata: Record<string, string>,
  ): Promise<StoredChatCompletion | undefined> {
    const { changes } = await (await this.sql()).query(
      'UPDATE chat_completions SET metadata = $1 WHERE id = $2',
      [JSON.stringify(metadata), id],
    );
    return changes > 0 ? this.get(id) : undefined;
  }

  /** @returns true when a completion was deleted */
  async delete(id: string): Promise<boolean> {
    const { changes } = await (await this.sql()).query('DELETE FROM chat_completions WHERE id = $1', [id]);
    return changes > 0;
  }
}

function fromRow(row: ChatCompletionRow): StoredChatCompletion {
  return {
    id: row.id,
    createdAt: Number(row.created_at),
    model: row.model,
    metadata: JSON.parse(row.metadata),
    request: JSON.parse(row.request),
    response: JSON.parse(row.response),
  };
}
