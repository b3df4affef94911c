import pg from 'pg';
import type { Logger } from 'pino';
import type { SqlDriver, SqlExecutor, SqlResult, SqlValue } from './sql-driver.js';
import { StoreUnavailableError } from './store-errors.js';

/** How long taking a connection from the pool may take before the store counts as unavailable, ms. */
const CONNECT_TIMEOUT_MS = 5_000;

/** Connections per gateway process. */
const POOL_SIZE = 10;

/**
 * The PostgreSQL driver (node-postgres `pg.Pool`, https://node-postgres.com/apis/pool). Connections are made on
 * demand, so a gateway starts while the database is down and its store requests get 503 until it is back.
 * `BIGINT` columns come back as JavaScript numbers (times in ms fit well within 2^53).
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;

  /** @param url a `postgres://` or `postgresql://` connection string */
  constructor(url: string, logger?: Logger) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types: { getTypeParser: numericBigInts },
    });
    this.pool.on('error', (err) =>
      logger?.warn({ err: err.message }, 'store: idle PostgreSQL connection failed'),
    );
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly SqlValue[] = [],
  ): Promise<SqlResult<Row>> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
    try {
      return await run<Row>(client, sql, params);
    } finally {
      client.release();
    }
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
    const tx: SqlExecutor = {
      dialect: 'postgres',
      query: <Row>(sql: string, params: readonly SqlValue[] = []) => run<Row>(client, sql, params),
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function run<Row>(
  client: pg.PoolClient,
  sql: string,
  params: readonly SqlValue[],
): Promise<SqlResult<Row>> {
  try {
    const result = await client.query(sql, params as SqlValue[]);
    return { rows: result.rows as Row[], changes: result.command === 'SELECT' ? 0 : (result.rowCount ?? 0) };
  } catch (err) {
    if (isConnectionFailure(err)) throw new StoreUnavailableError(err);
    throw err;
  }
}

/** Type OID of `int8` (BIGINT) in PostgreSQL's catalog (`pg_type`). */
const INT8_OID = 20;

function numericBigInts(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8_OID) return Number;
  return pg.types.getTypeParser(oid, format ?? 'text');
}

/** A broken connection rather than a bad statement: no SQLSTATE, or class 08 (connection exception). */
function isConnectionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code === '57P01';
}
