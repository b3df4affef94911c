import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Store } from '../../store/store.js';
import type { KeyRecord, TeamRecord } from '../../store/tenant-records.js';
import type { KeyDirectory } from '../../tenancy/key-directory.js';
import { generateVirtualKey } from '../../tenancy/key-material.js';
import { KeyBody, limitsOf, parseBody, TeamBody } from './admin-bodies.js';

/** Dependencies of the admin routes. */
export interface AdminRouteDeps {
  store: Store;
  /** The key cache, told of every revocation so it takes effect on the next request. */
  keys: KeyDirectory;
}

/**
 * The admin API for teams and virtual keys (docs/teams.md), behind the master key (http/auth.ts):
 * `POST /admin/teams`, `GET /admin/teams`, `POST /admin/keys` (answers the plain key once, in `key`),
 * `GET /admin/keys[?team=ID|NAME]`, `GET /admin/keys/{id}`, `DELETE /admin/keys/{id}` (revokes). Times are Unix
 * seconds; errors are the OpenAI envelope.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): Map<string, string[]> {
  const tenants = deps.store.tenants;

  app.post('/admin/teams', async (request, reply) => {
    const body = parseBody(TeamBody, request.body);
    if (await tenants.findTeam(body.name)) {
      throw new GatewayError(409, `A team named '${body.name}' exists`, {
        param: 'name',
        code: 'team_exists',
      });
    }
    const team: TeamRecord = {
      id: newId('team_', 8),
      name: body.name,
      createdAt: Date.now(),
      limits: limitsOf(body),
      metadata: body.metadata ?? {},
    };
    await tenants.createTeam(team);
    reply.code(201);
    return teamObject(team);
  });

  app.get('/admin/teams', async () => ({
    object: 'list',
    data: (await tenants.listTeams()).map(teamObject),
  }));

  app.post('/admin/keys', async (request, reply) => {
    const body = parseBody(KeyBody, request.body);
    const team = body.team === undefined ? undefined : await requireTeam(deps.store, body.team, 'team');
    const material = generateVirtualKey();
    const now = Date.now();
    const key: KeyRecord = {
      id: newId('key_', 8),
      keyHash: material.hash,
      keyPrefix: material.prefix,
      name: body.name ?? null,
      teamId: team?.id ?? null,
      createdAt: now,
      expiresAt: body.expires === undefined ? null : now + body.expires,
      revokedAt: null,
      limits: limitsOf(body),
      metadata: body.metadata ?? {},
    };
    await tenants.createKey(key);
    reply.code(201);
    return { ...keyObject(key), key: material.key };
  });

  app.get('/admin/keys', async (request: FastifyRequest<{ Querystring: { team?: string } }>) => {
    const team = request.query.team;
    const teamId = team === undefined ? undefined : (await requireTeam(deps.store, team, 'team')).id;
    return { object: 'list', data: (await tenants.listKeys(teamId)).map(keyObject) };
  });

  app.get('/admin/keys/:id', async (request: FastifyRequest<{ Params: { id: string } }>) =>
    keyObject(await requireKey(deps.store, request.params.id)),
  );

  app.delete('/admin/keys/:id', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const key = await requireKey(deps.store, request.params.id);
    await tenants.revokeKey(key.id);
    deps.keys.invalidate(key.keyHash);
    return keyObject((await tenants.keyById(key.id))!);
  });

  return new Map([
    ['/admin/teams', ['GET', 'POST']],
    ['/admin/keys', ['GET', 'POST']],
    ['/admin/keys/:id', ['GET', 'DELETE']],
  ]);
}

async function requireTeam(store: Store, idOrName: string, param: string): Promise<TeamRecord> {
  const team = await store.tenants.findTeam(idOrName);
  if (team) return team;
  throw new GatewayError(404, `No team has the id or name '${idOrName}'`, { param, code: 'team_not_found' });
}

async function requireKey(store: Store, id: string): Promise<KeyRecord> {
  const key = await store.tenants.keyById(id);
  if (key) return key;
  throw new GatewayError(404, `No key has the id '${id}'`, { code: 'key_not_found' });
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : Math.floor(ms / 1000);
}

/** A team as the admin API answers it. */
function teamObject(team: TeamRecord) {
  return {
    id: team.id,
    object: 'team',
    name: team.name,
    created_at: seconds(team.createdAt),
    ...team.limits,
    metadata: team.metadata,
  };
}

/** A key as the admin API answers it: never the key itself, nor its hash. */
function keyObject(key: KeyRecord) {
  return {
    id: key.id,
    object: 'key',
    key_prefix: key.keyPrefix,
    name: key.name,
    team_id: key.teamId,
    created_at: seconds(key.createdAt),
    expires_at: seconds(key.expiresAt),
    revoked_at: seconds(key.revokedAt),
    ...key.limits,
    metadata: key.metadata,
  };
}
