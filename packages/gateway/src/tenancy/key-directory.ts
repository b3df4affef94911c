import { GatewayError } from '../core/errors.js';
import type { KeyRecord, TeamRecord, TenantRecords } from '../store/tenant-records.js';
import { hashKey } from './key-material.js';

/** Who is calling: a valid virtual key and its team. */
export interface Tenant {
  key: KeyRecord;
  team: TeamRecord | undefined;
}

/** Timing of the key cache, ms. */
export interface KeyDirectoryTiming {
  /** After this long a cached key is read again from the store, in the background. Default 5 s. */
  refreshMs?: number;
  /** How long an unknown key is remembered as unknown, so repeats cost no store round trip. Default 1 s. */
  unknownTtlMs?: number;
}

/** Keys cached at most; past it the oldest entries go first (unknown keys sent in bulk cannot grow memory). */
const MAX_ENTRIES = 100_000;

interface Entry {
  /** undefined: no key has this hash. */
  tenant: Tenant | undefined;
  loadedAt: number;
  refreshing?: Promise<void>;
}

/**
 * Virtual keys by hash, cached in memory: a known key costs no store round trip. A key seen for the first time is
 * read from the store once (its team with it); a cached key older than `refreshMs` is served as cached while it is
 * read again in the background, so a revocation made by another replica takes effect within `refreshMs` (sooner
 * with {@link invalidate}, which the admin API calls on this replica and Redis pub/sub on the others).
 */
export class KeyDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshMs: number;
  private readonly unknownTtlMs: number;

  constructor(
    private readonly records: TenantRecords,
    timing: KeyDirectoryTiming = {},
  ) {
    this.refreshMs = timing.refreshMs ?? 5_000;
    this.unknownTtlMs = timing.unknownTtlMs ?? 1_000;
  }

  /**
   * The tenant a presented virtual key belongs to.
   * @throws GatewayError 401 `invalid_api_key` for an unknown, revoked or expired key
   * @throws StoreUnavailableError 503 when the key is not cached and the store cannot be reached
   */
  async authenticate(presented: string, now = Date.now()): Promise<Tenant> {
    const hash = hashKey(presented);
    let entry = this.entries.get(hash);
    if (entry === undefined || (entry.tenant === undefined && now - entry.loadedAt > this.unknownTtlMs)) {
      entry = await this.load(hash, now);
    } else if (entry.tenant !== undefined && now - entry.loadedAt > this.refreshMs) {
      this.refreshInBackground(hash, entry, now);
    }
    const tenant = entry.tenant;
    if (tenant === undefined) throw invalidKey('Incorrect API key provided');
    if (tenant.key.revokedAt !== null) throw invalidKey('This API key has been revoked');
    if (tenant.key.expiresAt !== null && tenant.key.expiresAt <= now)
      throw invalidKey('This API key has expired');
    return tenant;
  }

  /** Forgets the cached key with this hash (every key when omitted): the next request reads the store. */
  invalidate(keyHash?: string): void {
    if (keyHash === undefined) this.entries.clear();
    else this.entries.delete(keyHash);
  }

  /** Forgets every cached key of a team (after the team changed). */
  invalidateTeam(teamId: string): void {
    for (const [hash, entry] of this.entries)
      if (entry.tenant?.team?.id === teamId) this.entries.delete(hash);
  }

  private async load(hash: string, now: number): Promise<Entry> {
    const key = await this.records.keyByHash(hash);
    const team = key?.teamId ? await this.records.findTeam(key.teamId) : undefined;
    const entry: Entry = { tenant: key && { key, team }, loadedAt: now };
    this.entries.delete(hash);
    this.entries.set(hash, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  private refreshInBackground(hash: string, entry: Entry, now: number): void {
    if (entry.refreshing) return;
    entry.refreshing = this.load(hash, now).then(
      () => undefined,
      () => {
        // The store is down: keep serving the cached key and try again on a later request.
        entry.refreshing = undefined;
      },
    );
  }
}

function invalidKey(message: string): GatewayError {
  return new GatewayError(401, message, { code: 'invalid_api_key' });
}
