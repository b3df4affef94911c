/**
 * The one interface both store drivers implement: parameterised SQL with `$1`…`$n` placeholders (PostgreSQL's
 * syntax; the SQLite driver rewrites them), rows as plain objects keyed by column name, and transactions.
 * Every repository of the store (responses, chat completions, and later keys, budgets and the usage ledger)
 * is written once against it, in SQL both dialects accept.
 */

/** Which database a driver talks to. */
export type SqlDialect = 'sqlite' | 'postgres';

/** A bound parameter. JSON documents are bound as text; times as integers (ms since the epoch). */
export type SqlValue = string | number | null;

/** The answer to one statement. */
export interface SqlResult<Row> {
  rows: Row[];
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** Runs statements: a driver itself, or the connection of one transaction. */
export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * @param sql one statement with `$1`…`$n` placeholders
   * @throws StoreUnavailableError when the database cannot be reached or opened; the driver's error for a bad
   *   statement or a violated constraint
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<SqlResult<Row>>;
}

/** A connection (pool) to one database. */
export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Statements of
   * other callers wait until it ends (SQLite) or run on other connections (PostgreSQL).
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Closes every connection; later calls fail. */
  close(): Promise<void>;
}

/**
 * Rewrites `$1`…`$n` placeholders to SQLite's anonymous `?` and orders the parameters to match, so one statement
 * text serves both dialects (a placeholder may appear more than once).
 */
export function positionalPlaceholders(
  sql: string,
  params: readonly SqlValue[],
): { sql: string; params: SqlValue[] } {
  const ordered: SqlValue[] = [];
  const text = sql.replace(/\$(\d+)/g, (_match, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new RangeError(`placeholder $${n} has no parameter`);
    ordered.push(params[index]!);
    return '?';
  });
  return { sql: text, params: ordered };
}
