import type { SqlDriver } from './sql-driver.js';

/** One schema change, applied once, in `version` order, in the SQL both dialects accept. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/**
 * The store's schema history. Append only: a released migration never changes. Times are BIGINT ms since
 * the epoch; JSON documents are TEXT; `expires_at` (NULL: kept until deleted) drives retention.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'responses and stored chat completions',
    statements: [
      `CREATE TABLE responses (
        id TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        model TEXT NOT NULL,
        status TEXT NOT NULL,
        previous_response_id TEXT,
        request TEXT NOT NULL,
        input_items TEXT NOT NULL,
        response TEXT NOT NULL
      )`,
      'CREATE INDEX responses_expires_at ON responses (expires_at)',
      `CREATE TABLE chat_completions (
        id TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        model TEXT NOT NULL,
        metadata TEXT NOT NULL,
        request TEXT NOT NULL,
        response TEXT NOT NULL
      )`,
      'CREATE INDEX chat_completions_created ON chat_completions (created_at, id)',
      'CREATE INDEX chat_completions_expires_at ON chat_completions (expires_at)',
    ],
  },
  {
    version: 2,
    name: 'teams and virtual keys',
    statements: [
      `CREATE TABLE teams (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        limits TEXT NOT NULL,
        metadata TEXT NOT NULL
      )`,
      `CREATE TABLE virtual_keys (
        id TEXT PRIMARY KEY,
        key_hash TEXT NOT NULL UNIQUE,
        key_prefix TEXT NOT NULL,
        name TEXT,
        team_id TEXT REFERENCES teams (id),
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        revoked_at BIGINT,
        limits TEXT NOT NULL,
        metadata TEXT NOT NULL
      )`,
      'CREATE INDEX virtual_keys_team ON virtual_keys (team_id)',
    ],
  },
];

/**
 * Brings the database up to the newest migration: each missing one runs in its own transaction with its row in
 * `switchyard_migrations`. On PostgreSQL a transaction-scoped advisory lock makes replicas that start together
 * apply each migration once; on SQLite `BEGIN IMMEDIATE` does the same for processes sharing the file.
 * @returns the versions applied now (empty when the schema was current)
 */
export async function migrate(
  driver: SqlDriver,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  await driver.query(
    'CREATE TABLE IF NOT EXISTS switchyard_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await driver.transaction(async (tx) => {
      if (tx.dialect === 'postgres')
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('switchyard_migrations'))");
      const { rows } = await tx.query('SELECT version FROM switchyard_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (rows.length > 0) return false;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO switchyard_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
