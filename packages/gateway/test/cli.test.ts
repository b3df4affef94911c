import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { runCli, startGatewayProcess, writeTempConfig } from './support/gateway-process.js';
import { type RefusingServer, startRefusingServer } from './support/refusing-server.js';

let upstream: FakeUpstream;
let offline: RefusingServer;

beforeAll(async () => {
  offline = await startRefusingServer();
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [{ id: 'org/model-1', object: 'model' }] } },
  });
});

afterAll(async () => {
  await upstream?.close();
  await offline?.close();
});

const config = () => `
providers:
  gpu-box: {type: vllm, base_url: "${upstream.url}/v1"}
  offline: {type: llamacpp, base_url: "${offline.url}/v1"}
models:
  - id: fast-chat
    deployments: [{provider: gpu-box, model: org/model-1}]
`;

describe('switchyard CLI', () => {
  it('serve prints the URL, every model with its provider, and unreachable providers', async () => {
    const gateway = await startGatewayProcess(config());
    try {
      const out = gateway.output();
      expect(out).toMatch(/Switchyard listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/fast-chat\s+gpu-box \(vllm\)\s+org\/model-1/);
      expect(out).toMatch(/org\/model-1\s+gpu-box \(vllm\)\s+org\/model-1/);
      expect(out).toMatch(/offline \(llamacpp\): connection to upstream provider 'offline' failed/);
      expect(out).toContain('listening on 127.0.0.1 only');
      const health = (await (await fetch(`${gateway.url}/health/providers`)).json()) as {
        providers: { id: string; reachable: boolean; model_count: number; latency_ms: number }[];
      };
      expect(health.providers.map((p) => [p.id, p.reachable, p.model_count])).toEqual([
        ['gpu-box', true, 1],
        ['offline', false, 0],
      ]);
      expect(health.providers[0]!.latency_ms).toBeGreaterThanOrEqual(0);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  });

  it('models prints the resolved table with reachability', async () => {
    const { code, stdout } = await runCli(['models', '--config', writeTempConfig(config())]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/fast-chat\s+gpu-box \(vllm\)\s+org\/model-1\s+yes/);
    expect(stdout).toMatch(/offline\s+llamacpp\s+no/);
  });

  it('exits non-zero naming the bad field on an invalid config (also via SWITCHYARD_CONFIG)', async () => {
    const bad = writeTempConfig('providers:\n  gpu-box: {type: vllm, base_url: 42}\nmodels: []\n');
    const { code, stderr } = await runCli(['serve'], { SWITCHYARD_CONFIG: bad });
    expect(code).toBe(1);
    expect(stderr).toContain('providers.gpu-box.base_url');
    expect(stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
