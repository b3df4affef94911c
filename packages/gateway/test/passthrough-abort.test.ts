import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';

describe('passthrough streaming to an OpenAI-compatible upstream', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    upstream = await startFakeUpstream({
      'POST /v1/chat/completions': { fixture: 'overhead/chat-stream.sse', lineDelayMs: 500 },
    });
    gateway = await startGatewayProcess({
      server: { log_level: 'warn' },
      providers: { up: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
      models: [{ id: 'm', deployments: [{ provider: 'up' }] }],
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  it('forwards the first chunk while the upstream is still streaming, and aborts it when the client leaves', async () => {
    const body = JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const req = request(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const first = await new Promise<string>((resolve, reject) => {
      req.on('response', (res) => res.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      req.on('error', reject);
      req.end(body);
    });
    expect(first).toContain('"role":"assistant"');
    expect(upstream.openResponses()).toBe(1);
    req.destroy();
    await expect.poll(() => upstream.openResponses(), { timeout: 5_000 }).toBe(0);
  });
});
