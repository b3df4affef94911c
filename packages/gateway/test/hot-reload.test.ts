/**
 * Config hot reload end to end: a real gateway process, the `openai` SDK and a slow fake upstream. With 20
 * streams in flight, a reload that adds a model and changes a deployment cuts none of them; the new model
 * answers; a broken file (by SIGHUP, `switchyard reload` and `POST /-/reload`) changes nothing and its error
 * shows on `/health/providers`; `--watch-config` reloads on a change of the file.
 */
import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { type GatewayProcess, runCli, startGatewayProcess } from './support/gateway-process.js';
import { until } from './support/until.js';

const STREAMS = 20;
const messages = [{ role: 'user' as const, content: 'hi' }];

let upstream: FakeUpstream;

const configWith = (models: object[], provider: Record<string, unknown> = {}) => ({
  server: { log_level: 'info' },
  providers: {
    up: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false, ...provider },
  },
  models,
});

interface Health {
  config: {
    generation: number;
    last_reload: { ok: boolean; trigger: string; error: string | null } | null;
  };
}

async function health(gateway: GatewayProcess): Promise<Health> {
  return (await (await fetch(`${gateway.url}/health/providers`)).json()) as Health;
}

async function modelIds(gateway: GatewayProcess): Promise<string[]> {
  const body = (await (await fetch(`${gateway.url}/v1/models`)).json()) as { data: { id: string }[] };
  return body.data.map((m) => m.id).sort();
}

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': (req) => {
      const body = req.json as { model: string; stream?: boolean };
      if (body.model === 'slow' && body.stream) return { fixture: 'openai/chat-text.sse', lineDelayMs: 150 };
      return { fixture: 'openai/chat-text.json' };
    },
  });
});

afterAll(async () => {
  await upstream?.close();
});

describe('reloading the config of a running gateway', () => {
  let gateway: GatewayProcess;
  let client: OpenAI;

  beforeAll(async () => {
    gateway = await startGatewayProcess(
      configWith([{ id: 'chat', deployments: [{ provider: 'up', model: 'slow' }] }]),
    );
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('finishes 20 streams on the old config while a reload adds a model, changes a deployment and replaces its provider', async () => {
    const streams = Array.from({ length: STREAMS }, async () => {
      const stream = await client.chat.completions.create({ model: 'chat', messages, stream: true });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return { text, finish };
    });
    await until(() => upstream.openResponses() === STREAMS, 'every stream to reach the upstream', 10_000);

    writeFileSync(
      gateway.configFile,
      stringify(
        configWith(
          [
            { id: 'chat', deployments: [{ provider: 'up', model: 'fast' }] },
            { id: 'added', deployments: [{ provider: 'up', model: 'fast' }] },
          ],
          { api_key: 'second-key' },
        ),
      ),
    );
    const res = await fetch(`${gateway.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ generation: 2, last_reload: { ok: true, trigger: 'api' } });
    expect(upstream.openResponses()).toBe(STREAMS);
    expect(gateway.output()).not.toContain('replaced providers closed');

    const added = await client.chat.completions.create({ model: 'added', messages });
    expect(added.choices[0]?.message.content).toBe('Hello');
    const before = upstream.requests.length;
    await client.chat.completions.create({ model: 'chat', messages });
    const routed = upstream.requests[before]!;
    expect((routed.json as { model: string }).model).toBe('fast');
    expect(routed.headers.authorization).toBe('Bearer second-key');

    const results = await Promise.all(streams);
    expect(results).toEqual(Array.from({ length: STREAMS }, () => ({ text: 'Hello', finish: 'stop' })));
    // The replaced provider is closed once the streams it served are over.
    await until(() => gateway.output().includes('replaced providers closed'), 'the old provider to close');
    expect(await modelIds(gateway)).toEqual(['added', 'chat']);
  });

  it('keeps the running config when the new file is broken, and reports why', async () => {
    writeFileSync(
      gateway.configFile,
      stringify(configWith([{ id: 'other', deployments: [{ provider: 'missing', model: 'x' }] }])),
    );
    gateway.child.kill('SIGHUP');
    await until(
      async () => (await health(gateway)).config.last_reload?.trigger === 'SIGHUP',
      'the SIGHUP reload',
      10_000,
    );
    const { config } = await health(gateway);
    expect(config.generation).toBe(2);
    expect(config.last_reload?.ok).toBe(false);
    expect(config.last_reload?.error).toContain(
      "models[0].deployments[0].provider: unknown provider 'missing'",
    );
    expect(await modelIds(gateway)).toEqual(['added', 'chat']);
    expect(gateway.output()).toContain('config reload refused');

    const res = await fetch(`${gateway.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('config_invalid');
    expect(body.error.message).toContain("unknown provider 'missing'");

    writeFileSync(gateway.configFile, 'models: [');
    const cli = await runCli(['reload', '--url', gateway.url]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('is not valid YAML');
    expect((await health(gateway)).config.generation).toBe(2);
    expect(
      await (await client.chat.completions.create({ model: 'added', messages })).choices[0]?.message.content,
    ).toBe('Hello');

    writeFileSync(
      gateway.configFile,
      stringify(configWith([{ id: 'only', deployments: [{ provider: 'up' }] }], { api_key: 'second-key' })),
    );
    const ok = await runCli(['reload', '--url', gateway.url]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('config reloaded: generation 3');
    expect(await modelIds(gateway)).toEqual(['only']);
  });
});

describe('--watch-config', () => {
  it('reloads when the file changes', async () => {
    const gateway = await startGatewayProcess(
      configWith([{ id: 'first', deployments: [{ provider: 'up' }] }]),
      {},
      30_000,
      ['--watch-config'],
    );
    try {
      writeFileSync(
        gateway.configFile,
        stringify(configWith([{ id: 'second', deployments: [{ provider: 'up' }] }])),
      );
      await until(async () => (await modelIds(gateway)).includes('second'), 'the watched reload', 10_000);
      expect(await modelIds(gateway)).toEqual(['second']);
      expect((await health(gateway)).config.last_reload).toMatchObject({ ok: true, trigger: 'watch' });
    } finally {
      await gateway.stop();
    }
  });
});
