import type { SqlExecutor } from './sql-driver.js';

/**
 * One stored Responses API response (OpenAI API reference, Responses: https://platform.openai.com/docs/api-reference/responses):
 * what came in and what went out, enough to answer `GET /v1/responses/{id}`, list its input items and rebuild
 * the conversation of a later request that names it in `previous_response_id`.
 */
export interface StoredResponse {
  /** `resp_…`. */
  id: string;
  /** ms since the epoch. */
  createdAt: number;
  /** The model id the client asked for. */
  model: string;
  /** The response's `status` (`completed`, `incomplete`, `failed`, `in_progress`, `cancelled`, `queued`). */
  status: string;
  previousResponseId: string | null;
  /** The request's fields other than `input` (instructions, tools, text, …), as the client sent them. */
  request: Record<string, unknown>;
  /** The request's input as items, each with its `id`. */
  inputItems: Record<string, unknown>[];
  /** The response object as the client received it. */
  response: Record<string, unknown>;
}

interface ResponseRow {
  id: string;
  created_at: number;
  model: string;
  status: string;
  previous_response_id: string | null;
  request: string;
  input_items: string;
  response: string;
}

/** The `responses` table. Expired rows (past `expires_at`) read as absent. */
export class ResponseRecords {
  constructor(
    private readonly sql: () => Promise<SqlExecutor>,
    private readonly retentionMs: number,
  ) {}

  /** Inserts or replaces a response (a background response is saved again when it ends). */
  async save(record: StoredResponse): Promise<void> {
    const expiresAt = this.retentionMs > 0 ? record.createdAt + this.retentionMs : null;
    await (await this.sql()).query(
      `INSERT INTO responses (id, created_at, expires_at, model, status, previous_response_id, request, input_items, response)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, response = excluded.response`,
      [
        record.id,
        record.createdAt,
        expiresAt,
        record.model,
        record.status,
        record.previousResponseId,
        JSON.stringify(record.request),
        JSON.stringify(record.inputItems),
        JSON.stringify(record.response),
      ],
    );
  }

  /** @returns the response, or undefined when unknown, deleted or expired */
  async get(id: string, now = Date.now()): Promise<StoredResponse | undefined> {
    const { rows } = await (await this.sql()).query<ResponseRow>(
      `SELECT id, created_at, model, status, previous_response_id, request, input_items, response
       FROM responses WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2)`,
      [id, now],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      createdAt: Number(row.created_at),
      model: row.model,
      status: row.status,
      previousResponseId: row.previous_response_id,
      request: JSON.parse(row.request),
      inputItems: JSON.parse(row.input_items),
      response: JSON.parse(row.response),
    };
  }

  /** @returns true when a response was deleted */
  async delete(id: string): Promise<boolean> {
    const { changes } = await (await this.sql()).query('DELETE FROM responses WHERE id = $1', [id]);
    return changes > 0;
  }
}
