import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../../src/config/schema.js';
import type { Provider } from '../../src/providers/provider.js';
import { ModelRegistry } from '../../src/routing/model-registry.js';

function provider(id: string): Provider {
  return {
    id,
    type: 'vllm',
    discover: true,
    listModels: async () => [{ id: 'found' }],
    handle: () => Promise.reject(new Error('not called')),
    close: async () => {},
  };
}

describe('ModelRegistry.providerStatuses', () => {
  it("shows a discovered model's deployment while its first request is in flight", async () => {
    const config: GatewayConfig = {
      server: {} as GatewayConfig['server'],
      providers: { up: { type: 'vllm' } },
      models: [],
      dir: '/',
    };
    const registry = new ModelRegistry(config, new Map([['up', provider('up')]]), pino({ level: 'silent' }));
    await registry.refreshAll();
    const [status] = registry.providerStatuses();
    expect(status!.deployments).toEqual([]);

    const deployment = registry.get('found')!.deployments[0]!;
    expect(deployment.state.tryAdmit()).toBe(true);
    const during = registry.providerStatuses()[0]!;
    expect(during.in_flight).toBe(1);
    expect(during.deployments).toMatchObject([{ model: 'found', upstream_model: 'found', in_flight: 1 }]);

    deployment.state.release();
    expect(registry.providerStatuses()[0]!.deployments).toEqual([]);
    registry.stop();
  });
});

describe('ModelRegistry deployment options', () => {
  it('resolves drop_unsupported_params per deployment: the model setting, else its provider, else false', async () => {
    const config: GatewayConfig = {
      server: {} as GatewayConfig['server'],
      providers: {
        lenient: { type: 'vllm', drop_unsupported_params: true },
        strict: { type: 'vllm' },
      },
      models: [
        {
          id: 'mixed',
          default_max_tokens: 64,
          deployments: [{ provider: 'lenient' }, { provider: 'strict' }],
        },
        { id: 'pinned', drop_unsupported_params: false, deployments: [{ provider: 'lenient' }] },
      ],
      dir: '/',
    } as GatewayConfig;
    const providers = new Map([
      ['lenient', provider('lenient')],
      ['strict', provider('strict')],
    ]);
    const registry = new ModelRegistry(config, providers, pino({ level: 'silent' }));
    await registry.refreshAll();
    expect(registry.get('mixed')!.deployments.map((d) => d.options)).toEqual([
      { default_max_tokens: 64, drop_unsupported_params: true },
      { default_max_tokens: 64, drop_unsupported_params: false },
    ]);
    expect(registry.get('pinned')!.deployments[0]!.options).toEqual({ drop_unsupported_params: false });
    expect(registry.get('found')!.deployments.map((d) => [d.provider.id, d.options])).toEqual([
      ['lenient', { drop_unsupported_params: true }],
      ['strict', { drop_unsupported_params: false }],
    ]);
    registry.stop();
  });
});
