import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import {
  positionalPlaceholders,
  type SqlDriver,
  type SqlExecutor,
  type SqlResult,
  type SqlValue,
} from './sql-driver.js';
import { StoreUnavailableError } from './store-errors.js';

/** How long a statement waits for another process's write lock on the same file, ms. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * The SQLite driver (better-sqlite3, https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md): one
 * file, opened on first use with write-ahead logging (`journal_mode = WAL`) so several gateway processes on one
 * machine can share it. better-sqlite3 is synchronous; statements run one at a time, and a transaction holds
 * the connection until it ends, so no statement of another request runs inside it.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private db: BetterSqlite3.Database | undefined;
  private opening: Promise<BetterSqlite3.Database> | undefined;
  /** Ends when the running transaction ends; statements queue behind it. */
  private exclusive: Promise<void> = Promise.resolve();

  /** @param file path of the database file (created with its folder), or `:memory:` */
  constructor(private readonly file: string) {}

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly SqlValue[] = [],
  ): Promise<SqlResult<Row>> {
    await this.exclusive;
    return run<Row>(await this.open(), sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const db = await this.open();
    const previous = this.exclusive;
    let release!: () => void;
    this.exclusive = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    const tx: SqlExecutor = {
      dialect: 'sqlite',
      query: async <Row>(sql: string, params: readonly SqlValue[] = []) => run<Row>(db, sql, params),
    };
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(tx);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    const db = this.db ?? (await this.opening?.catch(() => undefined));
    db?.close();
    this.db = undefined;
  }

  private open(): Promise<BetterSqlite3.Database> {
    if (this.db) return Promise.resolve(this.db);
    this.opening ??= this.connect().then(
      (db) => {
        this.db = db;
        return db;
      },
      (err: unknown) => {
        this.opening = undefined;
        throw new StoreUnavailableError(err);
      },
    );
    return this.opening;
  }

  private async connect(): Promise<BetterSqlite3.Database> {
    const { default: Database } = await import('better-sqlite3');
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true });
    const db = new Database(this.file, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    return db;
  }
}

function run<Row>(db: BetterSqlite3.Database, sql: string, params: readonly SqlValue[]): SqlResult<Row> {
  const bound = positionalPlaceholders(sql, params);
  const statement = db.prepare(bound.sql);
  if (statement.reader) return { rows: statement.all(...bound.params) as Row[], changes: 0 };
  return { rows: [], changes: statement.run(...bound.params).changes };
}
