import type { SqlExecutor } from './sql-driver.js';

/** How long a budget lasts before it starts again; `total` never resets. */
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly' | 'total';

/**
 * What a team or a key may do. Every field is optional: absent means unlimited (a key is also bound by its team's
 * limits). Stored as one JSON document per row.
 */
export interface TenantLimits {
  /** Model ids the holder may use; `*` matches any run of characters (`llama-*`, `*`). Absent: every model. */
  models?: string[];
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (prompt + completion) per minute. */
  tpm?: number;
  /** Requests in flight at once. */
  max_concurrency?: number;
  /** Spend allowed per budget period, USD. */
  budget_usd?: number;
  /** Default `monthly` (calendar months, UTC). */
  budget_period?: BudgetPeriod;
}

/** A team: a name, the limits every key of the team shares, free-form metadata. */
export interface TeamRecord {
  /** `team_…`. */
  id: string;
  name: string;
  /** ms since the epoch. */
  createdAt: number;
  limits: TenantLimits;
  metadata: Record<string, unknown>;
}

/** A virtual key as stored: its SHA-256 hash, never the key itself. */
export interface KeyRecord {
  /** `key_…`: how admins name the key (to revoke it, or read its usage). */
  id: string;
  /** Hex SHA-256 of the key. */
  keyHash: string;
  /** The key's first characters (`sk-sy-ab12`), to recognise it in listings. */
  keyPrefix: string;
  name: string | null;
  teamId: string | null;
  /** ms since the epoch. */
  createdAt: number;
  /** ms since the epoch; null: never expires. */
  expiresAt: number | null;
  /** ms since the epoch; null: not revoked. */
  revokedAt: number | null;
  limits: TenantLimits;
  metadata: Record<string, unknown>;
}

interface TeamRow {
  id: string;
  name: string;
  created_at: number;
  limits: string;
  metadata: string;
}

interface KeyRow {
  id: string;
  key_hash: string;
  key_prefix: string;
  name: string | null;
  team_id: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  limits: string;
  metadata: string;
}

const KEY_COLUMNS =
  'id, key_hash, key_prefix, name, team_id, created_at, expires_at, revoked_at, limits, metadata';

/** The `teams` and `virtual_keys` tables. */
export class TenantRecords {
  constructor(private readonly sql: () => Promise<SqlExecutor>) {}

  /** @throws the driver's unique-constraint error when the name is taken */
  async createTeam(team: TeamRecord): Promise<void> {
    await (await this.sql()).query(
      'INSERT INTO teams (id, name, created_at, limits, metadata) VALUES ($1, $2, $3, $4, $5)',
      [team.id, team.name, team.createdAt, JSON.stringify(team.limits), JSON.stringify(team.metadata)],
    );
  }

  /** @returns the team whose id or name is `idOrName`, or undefined */
  async findTeam(idOrName: string): Promise<TeamRecord | undefined> {
    const { rows } = await (await this.sql()).query<TeamRow>(
      'SELECT id, name, created_at, limits, metadata FROM teams WHERE id = $1 OR name = $1',
      [idOrName],
    );
    return rows[0] && teamFromRow(rows[0]);
  }

  /** Every team, oldest first. */
  async listTeams(): Promise<TeamRecord[]> {
    const { rows } = await (await this.sql()).query<TeamRow>(
      'SELECT id, name, created_at, limits, metadata FROM teams ORDER BY created_at, id',
    );
    return rows.map(teamFromRow);
  }

  async createKey(key: KeyRecord): Promise<void> {
    await (await this.sql()).query(
      `INSERT INTO virtual_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        key.id,
        key.keyHash,
        key.keyPrefix,
        key.name,
        key.teamId,
        key.createdAt,
        key.expiresAt,
        key.revokedAt,
        JSON.stringify(key.limits),
        JSON.stringify(key.metadata),
      ],
    );
  }

  /** @returns the key with this hash (revoked and expired ones included), or undefined */
  async keyByHash(keyHash: string): Promise<KeyRecord | undefined> {
    const { rows } = await (await this.sql()).query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM virtual_keys WHERE key_hash = $1`,
      [keyHash],
    );
    return rows[0] && keyFromRow(rows[0]);
  }

  /** @returns the key with this id, or undefined */
  async keyById(id: string): Promise<KeyRecord | undefined> {
    const { rows } = await (await this.sql()).query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM virtual_keys WHERE id = $1`,
      [id],
    );
    return rows[0] && keyFromRow(rows[0]);
  }

  /** Every key (of one team when `teamId` is given), oldest first. */
  async listKeys(teamId?: string): Promise<KeyRecord[]> {
    const { rows } = await (await this.sql()).query<KeyRow>(
      teamId === undefined
        ? `SELECT ${KEY_COLUMNS} FROM virtual_keys ORDER BY created_at, id`
        : `SELECT ${KEY_COLUMNS} FROM virtual_keys WHERE team_id = $1 ORDER BY created_at, id`,
      teamId === undefined ? [] : [teamId],
    );
    return rows.map(keyFromRow);
  }

  /**
   * Marks a key revoked (a key already revoked keeps its first revocation time).
   * @returns false when no key has this id
   */
  async revokeKey(id: string, now = Date.now()): Promise<boolean> {
    const { changes } = await (await this.sql()).query(
      'UPDATE virtual_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1',
      [id, now],
    );
    return changes > 0;
  }
}

function teamFromRow(row: TeamRow): TeamRecord {
  return {
    id: row.id,
    name: row.name,
    createdAt: Number(row.created_at),
    limits: JSON.parse(row.limits),
    metadata: JSON.parse(row.metadata),
  };
}

function keyFromRow(row: KeyRow): KeyRecord {
  return {
    id: row.id,
    keyHash: row.key_hash,
    keyPrefix: row.key_prefix,
    name: row.name,
    teamId: row.team_id,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    limits: JSON.parse(row.limits),
    metadata: JSON.parse(row.metadata),
  };
}
