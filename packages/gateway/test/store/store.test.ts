/**
 * The store's one suite, run against both drivers: SQLite (a temporary file) and PostgreSQL (a fresh database
 * on the server `SWITCHYARD_TEST_POSTGRES_URL` names, which `.ci/postgres.sh` starts; required when CI=true).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/load-config.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { PostgresDriver } from '../../src/store/postgres-driver.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { SqliteDriver } from '../../src/store/sqlite-driver.js';
import { openStore, Store, sqliteFile } from '../../src/store/store.js';
import { StoreUnavailableError } from '../../src/store/store-errors.js';

const POSTGRES_URL = process.env.SWITCHYARD_TEST_POSTGRES_URL;

it('has a PostgreSQL server to test against in CI', () => {
  if (process.env.CI === 'true')
    expect(POSTGRES_URL, 'CI must run .ci/postgres.sh').toMatch(/^postgres:\/\//);
});

interface Leg {
  name: string;
  open(): Promise<SqlDriver>;
  cleanup(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
const legs: Leg[] = [
  {
    name: 'sqlite',
    open: async () => new SqliteDriver(join(dir, `store-${Math.random().toString(36).slice(2)}.db`)),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  },
];
if (POSTGRES_URL) {
  const databases: string[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  legs.push({
    name: 'postgres',
    open: async () => {
      const name = `switchyard_store_${process.pid}_${databases.length}_${Date.now()}`;
      await admin(`CREATE DATABASE ${name}`);
      databases.push(name);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      return new PostgresDriver(url.toString());
    },
    cleanup: async () => {
      for (const name of databases) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}

describe.each(legs)('store on $name', (leg) => {
  let store: Store;
  const DAY = 86_400_000;

  beforeAll(async () => {
    store = new Store(await leg.open(), 30 * DAY);
  });
  afterAll(async () => {
    await store?.close();
    await leg.cleanup();
  });

  it('applies each migration once and records it', async () => {
    await store.ready();
    expect(await migrate(store.driver)).toEqual([]);
    const { rows } = await store.driver.query<{ version: number; name: string }>(
      'SELECT version, name FROM switchyard_migrations ORDER BY version',
    );
    expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('saves, reads, updates and deletes a response', async () => {
    const record = {
      id: 'resp_store_1',
      createdAt: Date.now(),
      model: 'm',
      status: 'in_progress',
      previousResponseId: null,
      request: { instructions: 'be brief', tools: [] },
      inputItems: [
        { id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      ],
      response: { id: 'resp_store_1', status: 'in_progress', output: [] },
    };
    await store.responses.save(record);
    expect(await store.responses.get('resp_store_1')).toEqual(record);
    const done = { ...record, status: 'completed', response: { ...record.response, status: 'completed' } };
    await store.responses.save(done);
    expect((await store.responses.get('resp_store_1'))?.response).toEqual(done.response);
    expect(await store.responses.get('resp_unknown')).toBeUndefined();
    expect(await store.responses.delete('resp_store_1')).toBe(true);
    expect(await store.responses.delete('resp_store_1')).toBe(false);
    expect(await store.responses.get('resp_store_1')).toBeUndefined();
  });

  it('hides rows past their retention and purges them', async () => {
    const old = Date.now() - 31 * DAY;
    await store.responses.save({
      id: 'resp_old',
      createdAt: old,
      model: 'm',
      status: 'completed',
      previousResponseId: null,
      request: {},
      inputItems: [],
      response: {},
    });
    await store.chatCompletions.save(completion('chatcmpl-old', old, 'm', {}));
    await store.chatCompletions.save(completion('chatcmpl-fresh', Date.now(), 'fresh-model', {}));
    expect(await store.responses.get('resp_old')).toBeUndefined();
    expect(await store.chatCompletions.get('chatcmpl-old')).toBeUndefined();
    expect(await store.purgeExpired()).toBe(2);
    expect(await store.chatCompletions.get('chatcmpl-fresh')).toBeDefined();
  });

  it('pages chat completions by creation time with after, limit, order, model and metadata filters', async () => {
    const t0 = Date.now() - 1000;
    for (let i = 0; i < 5; i++) {
      await store.chatCompletions.save(
        completion(`chatcmpl-p${i}`, t0 + i, i % 2 === 0 ? 'even' : 'odd', { suite: 'paging', n: String(i) }),
      );
    }
    const filter = { metadata: { suite: 'paging' } };
    const first = await store.chatCompletions.list({ ...filter, limit: 2, order: 'asc' });
    expect(first.records.map((r) => r.id)).toEqual(['chatcmpl-p0', 'chatcmpl-p1']);
    expect(first.hasMore).toBe(true);
    const last = await store.chatCompletions.list({
      ...filter,
      limit: 10,
      order: 'asc',
      after: 'chatcmpl-p1',
    });
    expect(last.records.map((r) => r.id)).toEqual(['chatcmpl-p2', 'chatcmpl-p3', 'chatcmpl-p4']);
    expect(last.hasMore).toBe(false);
    const desc = await store.chatCompletions.list({
      ...filter,
      limit: 2,
      order: 'desc',
      after: 'chatcmpl-p3',
    });
    expect(desc.records.map((r) => r.id)).toEqual(['chatcmpl-p2', 'chatcmpl-p1']);
    const odd = await store.chatCompletions.list({ ...filter, limit: 10, order: 'asc', model: 'odd' });
    expect(odd.records.map((r) => r.id)).toEqual(['chatcmpl-p1', 'chatcmpl-p3']);
    const one = await store.chatCompletions.list({
      metadata: { suite: 'paging', n: '4' },
      limit: 10,
      order: 'asc',
    });
    expect(one.records.map((r) => r.id)).toEqual(['chatcmpl-p4']);
  });

  it('replaces a completion’s metadata and deletes it', async () => {
    await store.chatCompletions.save(completion('chatcmpl-meta', Date.now(), 'm', { a: '1' }));
    expect((await store.chatCompletions.updateMetadata('chatcmpl-meta', { b: '2' }))?.metadata).toEqual({
      b: '2',
    });
    expect(await store.chatCompletions.updateMetadata('chatcmpl-none', { b: '2' })).toBeUndefined();
    expect(await store.chatCompletions.delete('chatcmpl-meta')).toBe(true);
    expect(await store.chatCompletions.get('chatcmpl-meta')).toBeUndefined();
  });

  it('keeps teams and virtual keys: by id or name, by hash, listed per team, revoked once', async () => {
    const team = {
      id: 'team_s1',
      name: 'platform',
      createdAt: 1000,
      limits: { rpm: 60 },
      metadata: { cc: 'x' },
    };
    await store.tenants.createTeam(team);
    await expect(store.tenants.createTeam({ ...team, id: 'team_s2' })).rejects.toThrow();
    expect(await store.tenants.findTeam('platform')).toEqual(team);
    expect(await store.tenants.findTeam('team_s1')).toEqual(team);
    expect(await store.tenants.findTeam('nobody')).toBeUndefined();
    const key = {
      id: 'key_s1',
      keyHash: 'a'.repeat(64),
      keyPrefix: 'sk-sy-abcd',
      name: 'ci',
      teamId: 'team_s1',
      createdAt: 2000,
      expiresAt: 2_000_000_000_000,
      revokedAt: null,
      limits: { models: ['llama-*'], budget_usd: 2.5, budget_period: 'daily' as const },
      metadata: {},
    };
    const loose = {
      ...key,
      id: 'key_s2',
      keyHash: 'b'.repeat(64),
      teamId: null,
      expiresAt: null,
      createdAt: 3000,
    };
    await store.tenants.createKey(key);
    await store.tenants.createKey(loose);
    expect(await store.tenants.keyByHash('a'.repeat(64))).toEqual(key);
    expect(await store.tenants.keyById('key_s2')).toEqual(loose);
    expect((await store.tenants.listKeys('team_s1')).map((k) => k.id)).toEqual(['key_s1']);
    expect((await store.tenants.listKeys()).map((k) => k.id)).toEqual(['key_s1', 'key_s2']);
    expect(await store.tenants.revokeKey('key_s1', 5000)).toBe(true);
    expect(await store.tenants.revokeKey('key_s1', 9000)).toBe(true);
    expect((await store.tenants.keyById('key_s1'))?.revokedAt).toBe(5000);
    expect(await store.tenants.revokeKey('key_none')).toBe(false);
  });

  it('serialises concurrent read-modify-write transactions (what budget reservations need)', async () => {
    const driver = store.driver;
    await migrate(driver, [
      ...MIGRATIONS,
      { version: 1000, name: 'test counter', statements: ['CREATE TABLE test_counter (n BIGINT NOT NULL)'] },
    ]);
    await driver.query('INSERT INTO test_counter (n) VALUES (0)');
    const lock = driver.dialect === 'postgres' ? ' FOR UPDATE' : '';
    await Promise.all(
      Array.from({ length: 20 }, () =>
        driver.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>(`SELECT n FROM test_counter${lock}`);
          await new Promise((resolve) => setImmediate(resolve));
          await tx.query('UPDATE test_counter SET n = $1', [Number(rows[0]!.n) + 1]);
        }),
      ),
    );
    const { rows } = await driver.query<{ n: number }>('SELECT n FROM test_counter');
    expect(Number(rows[0]!.n)).toBe(20);
    await expect(
      driver.transaction(async (tx) => {
        await tx.query('UPDATE test_counter SET n = 0');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(Number((await driver.query<{ n: number }>('SELECT n FROM test_counter')).rows[0]!.n)).toBe(20);
  });
});

describe('an unreachable store', () => {
  it('answers 503 store_unavailable for PostgreSQL that refuses connections, and again on the next call', async () => {
    const store = openStore({ url: 'postgres://nobody@127.0.0.1:1/none', retention: 0 }, dir);
    for (let i = 0; i < 2; i++) {
      const err = await store.responses.get('resp_x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(err).toMatchObject({ status: 503, code: 'store_unavailable' });
    }
    await store.close();
  });

  it('answers 503 for an SQLite file that cannot be created', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'switchyard-store-')), 'not-a-folder');
    writeFileSync(blocker, '');
    const store = openStore({ url: `sqlite://${blocker}/inner/x.db`, retention: 0 }, dir);
    await expect(store.chatCompletions.get('chatcmpl-x')).rejects.toMatchObject({
      status: 503,
      code: 'store_unavailable',
    });
    await store.close();
  });
});

describe('the store config key', () => {
  it('defaults to 30 days of retention, takes durations in days and refuses other databases', () => {
    expect(parseConfig({}, dir).store).toEqual({ retention: 30 * 86_400_000 });
    expect(parseConfig({ store: { url: 'sqlite::memory:', retention: '7d' } }, dir).store).toEqual({
      url: 'sqlite::memory:',
      retention: 7 * 86_400_000,
    });
    expect(() => parseConfig({ store: { url: 'mysql://h/db' } }, dir)).toThrow(ConfigError);
    expect(() => parseConfig({ store: { url: 'mysql://h/db' } }, dir)).toThrow(/^store\.url: /);
  });
});

describe('sqlite URLs', () => {
  it('resolves absolute, relative and in-memory forms', () => {
    expect(sqliteFile('sqlite:///var/lib/s.db', '/etc/sy')).toBe('/var/lib/s.db');
    expect(sqliteFile('sqlite:data/s.db', '/etc/sy')).toBe('/etc/sy/data/s.db');
    expect(sqliteFile('sqlite://s.db', '/etc/sy')).toBe('/etc/sy/s.db');
    expect(sqliteFile('sqlite::memory:', '/etc/sy')).toBe(':memory:');
  });
});

function completion(id: string, createdAt: number, model: string, metadata: Record<string, string>) {
  return {
    id,
    createdAt,
    model,
    metadata,
    request: { model, messages: [{ role: 'user', content: 'hi' }] },
    response: { id, object: 'chat.completion', model, choices: [] },
  };
}
