import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { StoreConfig } from '../config/store-fields.js';
import { ChatCompletionRecords } from './chat-completion-records.js';
import { migrate } from './migrations.js';
import { PostgresDriver } from './postgres-driver.js';
import { ResponseRecords } from './response-records.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';
import { SqliteDriver } from './sqlite-driver.js';
import { TenantRecords } from './tenant-records.js';

/** How often expired rows are deleted once the store is in use, ms. */
const PURGE_INTERVAL_MS = 3_600_000;

/** Default database file, beside the config file. */
export const DEFAULT_SQLITE_FILE = 'switchyard.db';

/**
 * The gateway's durable state, one database for every feature that keeps state (stored responses and chat
 * completions now; virtual keys, budgets and the usage ledger add their repositories on the same driver).
 * Nothing touches the database until the first repository call, which runs the migrations; a database that
 * cannot be reached makes each call throw StoreUnavailableError (503) and is tried again on the next call.
 */
export class Store {
  readonly responses: ResponseRecords;
  readonly chatCompletions: ChatCompletionRecords;
  /** Teams and virtual keys. */
  readonly tenants: TenantRecords;
  private migrated: Promise<void> | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;

  /**
   * @param driver the database
   * @param retentionMs how long stored rows are kept, ms; 0 keeps them until deleted
   */
  constructor(
    readonly driver: SqlDriver,
    readonly retentionMs: number,
    private readonly logger?: Logger,
  ) {
    const sql = () => this.ready();
    this.responses = new ResponseRecords(sql, retentionMs);
    this.chatCompletions = new ChatCompletionRecords(sql, retentionMs);
    this.tenants = new TenantRecords(sql);
  }

  /**
   * Migrates the database on first use; then deletes expired rows every hour.
   * @throws StoreUnavailableError when the database cannot be reached
   */
  async ready(): Promise<SqlExecutor> {
    this.migrated ??= migrate(this.driver).then(
      (versions) => {
        if (versions.length > 0) this.logger?.info({ versions }, 'store: migrations applied');
        this.startPurging();
      },
      (err: unknown) => {
        this.migrated = undefined;
        throw err;
      },
    );
    await this.migrated;
    return this.driver;
  }

  /**
   * Deletes rows past their retention.
   * @returns how many rows were deleted
   */
  async purgeExpired(now = Date.now()): Promise<number> {
    const sql = await this.ready();
    let deleted = 0;
    for (const table of ['responses', 'chat_completions']) {
      const { changes } = await sql.query(
        `DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= $1`,
        [now],
      );
      deleted += changes;
    }
    return deleted;
  }

  async close(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.driver.close();
  }

  private startPurging(): void {
    if (this.retentionMs <= 0 || this.purgeTimer) return;
    const purge = () =>
      this.purgeExpired().catch((err: Error) =>
        this.logger?.warn({ err: err.message }, 'store: purge failed'),
      );
    void purge();
    this.purgeTimer = setInterval(purge, PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }
}

/**
 * The store `store:` in config describes: PostgreSQL for a `postgres://` (or `postgresql://`) URL, else an SQLite
 * file (`sqlite:///absolute/path.db`, `sqlite:relative/path.db` against the config's folder, `sqlite::memory:`),
 * by default {@link DEFAULT_SQLITE_FILE} beside the config file.
 * @param configDir folder of the config file
 */
export function openStore(config: StoreConfig, configDir: string, logger?: Logger): Store {
  const url = config.url ?? `sqlite:${DEFAULT_SQLITE_FILE}`;
  if (/^postgres(ql)?:\/\//.test(url))
    return new Store(new PostgresDriver(url, logger), config.retention, logger);
  return new Store(new SqliteDriver(sqliteFile(url, configDir)), config.retention, logger);
}

/** The file of an `sqlite:` URL: `sqlite:///abs`, `sqlite://rel` or `sqlite:rel` (against `dir`), `sqlite::memory:`. */
export function sqliteFile(url: string, dir: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path === ':memory:' || isAbsolute(path)) return path;
  return resolve(dir, path);
}
