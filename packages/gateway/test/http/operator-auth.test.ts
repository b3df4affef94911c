/**
 * Who may call the operator routes under `/-/` (config reload, the request log): the master key when one is
 * configured, else a key of `server.api_keys`; a real gateway process each way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, runCli, startGatewayProcess } from '../support/gateway-process.js';

const MASTER = 'sk-master-operator-test';
const STATIC = 'static-operator-test';

async function statusOf(gateway: GatewayProcess, key?: string): Promise<number> {
  const res = await fetch(
    `${gateway.url}/-/requests`,
    key ? { headers: { authorization: `Bearer ${key}` } } : {},
  );
  await res.arrayBuffer();
  return res.status;
}

describe('with a master key', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess({
      server: { log_level: 'silent', master_key: MASTER, api_keys: [STATIC] },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('takes the master key only', async () => {
    expect(await statusOf(gateway)).toBe(401);
    expect(await statusOf(gateway, STATIC)).toBe(401);
    expect(await statusOf(gateway, MASTER)).toBe(200);
    const res = await fetch(`${gateway.url}/-/reload`, { method: 'POST', headers: { 'x-api-key': STATIC } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('master key');
    const cli = await runCli(['status', '--url', gateway.url, '--api-key', MASTER]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
  });
});

describe('with static keys only', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess({ server: { log_level: 'silent', api_keys: [STATIC] } });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('takes a static key', async () => {
    expect(await statusOf(gateway)).toBe(401);
    expect(await statusOf(gateway, 'wrong')).toBe(401);
    expect(await statusOf(gateway, STATIC)).toBe(200);
  });
});
