/**
 * End to end: virtual keys and teams through the admin API (master key from SWITCHYARD_MASTER_KEY) and the
 * unmodified `openai` SDK against a gateway process on the embedded engine with an SQLite store: allowed models
 * with wildcards on key and team, 401 for unknown, revoked and expired keys, 403 `model_not_allowed` in each
 * protocol's envelope, static `server.api_keys` still accepted, keys stored as hashes only.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../support/gateway-process.js';

const STORIES = 'stories260K';
const QWEN = 'stories260K-qwen2.5-chat-template';
const MASTER = 'sk-master-test-5d2c9e71';
const STATIC = 'sk-static-test-0b8f';

let gateway: GatewayProcess;
let dbDir: string;

/** The admin API's answers, as the tests read them (a key, a team, a list or an error). */
interface AdminAnswer {
  [field: string]: unknown;
  id: string;
  key: string;
  key_prefix: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  data: { id: string }[];
  error: { type: string; param: string | null; code: string; message: string };
}

/** Calls the admin API with the master key (or `key`). */
async function admin(method: string, path: string, body?: unknown, key = MASTER) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as AdminAnswer };
}

function sdk(apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
}

async function chat(apiKey: string, model: string) {
  return sdk(apiKey).chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Once upon a time' }],
    max_tokens: 2,
  });
}

beforeAll(async () => {
  dbDir = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
  gateway = await startGatewayProcess(
    {
      server: { api_keys: [STATIC] },
      providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
      store: { url: `sqlite://${join(dbDir, 'keys.db')}` },
    },
    { SWITCHYARD_MASTER_KEY: MASTER },
  );
});

afterAll(async () => {
  await gateway?.stop();
  rmSync(dbDir, { recursive: true, force: true });
});

describe('the admin API', () => {
  it('takes the master key only', async () => {
    for (const key of [STATIC, 'sk-sy-unknown']) {
      const res = await admin('GET', '/admin/keys', undefined, key);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    }
    const bare = await fetch(`${gateway.url}/admin/teams`);
    expect(bare.status).toBe(401);
    expect((await admin('GET', '/admin/teams')).status).toBe(200);
  });

  it('validates bodies and names unknown teams and keys', async () => {
    const bad = await admin('POST', '/admin/keys', { rpm: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'rpm',
      code: 'invalid_value',
    });
    const unknownField = await admin('POST', '/admin/teams', { name: 'x', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.param).toBe('colour');
    const noTeam = await admin('POST', '/admin/keys', { team: 'nobody' });
    expect(noTeam.status).toBe(404);
    expect(noTeam.body.error).toMatchObject({ param: 'team', code: 'team_not_found' });
    expect((await admin('DELETE', '/admin/keys/key_none')).body.error.code).toBe('key_not_found');
    const first = await admin('POST', '/admin/teams', { name: 'twice' });
    expect(first.status).toBe(201);
    const again = await admin('POST', '/admin/teams', { name: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('team_exists');
  });
});

describe('virtual keys', () => {
  it('creates an sk-sy- key shown once, stored as a hash, and serves it with the openai SDK', async () => {
    const team = await admin('POST', '/admin/teams', {
      name: 'research',
      models: ['stories260K*'],
      rpm: 600,
    });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ object: 'team', name: 'research', models: ['stories260K*'], rpm: 600 });
    const created = await admin('POST', '/admin/keys', {
      team: 'research',
      name: 'ci',
      models: [STORIES],
      expires: '30d',
      metadata: { owner: 'tests' },
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({
      object: 'key',
      name: 'ci',
      team_id: team.body.id,
      key_prefix: key.slice(0, 10),
      models: [STORIES],
      revoked_at: null,
      metadata: { owner: 'tests' },
    });
    expect(created.body.expires_at - created.body.created_at).toBe(30 * 86_400);

    const completion = await chat(key, STORIES);
    expect(completion.choices[0]!.message.role).toBe('assistant');

    const listed = await admin('GET', '/admin/keys?team=research');
    expect(listed.body.data.map((k) => k.id)).toEqual([created.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const files = readdirSync(dbDir).map((f) => readFileSync(join(dbDir, f)).toString('latin1'));
    expect(files.join('')).not.toContain(key);
    expect(files.join('')).toContain(created.body.key_prefix);
  });

  it("refuses a model outside the key's or the team's list with 403 model_not_allowed, in each envelope", async () => {
    const { body } = await admin('POST', '/admin/keys', { team: 'research', models: [STORIES] });
    const err = await chat(body.key, QWEN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'permission_error',
      param: 'model',
      code: 'model_not_allowed',
    });
    const ollama = await fetch(`${gateway.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.key}` },
      body: JSON.stringify({ model: QWEN, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(ollama.status).toBe(403);
    expect(Object.keys((await ollama.json()) as object)).toEqual(['error']);
    const anthropic = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': body.key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: QWEN, max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(anthropic.status).toBe(403);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });

    // The team's wildcard allows both models to a key that names none; a team outside the wildcard allows none.
    const open = await admin('POST', '/admin/keys', { team: 'research' });
    expect((await chat(open.body.key, QWEN)).object).toBe('chat.completion');
    await admin('POST', '/admin/teams', { name: 'llamas-only', models: ['llama-*'] });
    const narrow = await admin('POST', '/admin/keys', { team: 'llamas-only', models: ['*'] });
    await expect(chat(narrow.body.key, STORIES)).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('answers 401 for unknown, revoked and expired keys', async () => {
    const unknown = await chat('sk-sy-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', STORIES).catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unknown as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');

    const { body } = await admin('POST', '/admin/keys', {});
    expect((await chat(body.key, STORIES)).object).toBe('chat.completion');
    const revoked = await admin('DELETE', `/admin/keys/${body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toBeGreaterThan(0);
    const after = await chat(body.key, STORIES).catch((e) => e);
    expect(after).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((after as Error).message).toContain('revoked');

    const short = await admin('POST', '/admin/keys', { expires: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const expired = await chat(short.body.key, STORIES).catch((e) => e);
    expect(expired).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((expired as Error).message).toContain('expired');
  });

  it('keeps static api_keys and the master key working, and still refuses no key', async () => {
    expect((await chat(STATIC, QWEN)).object).toBe('chat.completion');
    expect((await sdk(MASTER).models.list()).data.length).toBeGreaterThan(0);
    await expect(sdk('not-a-key').models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await fetch(`${gateway.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
});
