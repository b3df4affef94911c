/**
 * `platform: 'auto'` (`OpenAICompatibleClient.detect`): a real `switchyard serve` process is detected as
 * `switchyard` (its `/version` says `server: "switchyard"`), with the gateway's key; fake servers answering as
 * the vLLM and Ollama docs show their version routes are detected as `vllm` and `ollama`; a server with
 * neither route is `openai`; an unreachable one rejects with `APIConnectionError`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeUpstream,
  FIXTURES_DIR,
  startFakeUpstream,
} from '../../gateway/test/support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../gateway/test/support/gateway-process.js';
import { APIConnectionError, ClientConfigError, OpenAICompatibleClient } from '../src/index.js';

let gateway: GatewayProcess;
let vllm: FakeUpstream;
let ollama: FakeUpstream;
let plain: FakeUpstream;

beforeAll(async () => {
  gateway = await startGatewayProcess({ server: { api_keys: ['sy-key'] }, providers: {} });
  // vLLM's `GET /version` answers `{"version": "<release>"}` (vLLM docs, OpenAI-Compatible Server).
  vllm = await startFakeUpstream({ 'GET /version': { json: { version: '0.11.0' } } });
  ollama = await startFakeUpstream({
    'GET /api/version': {
      json: JSON.parse(readFileSync(join(FIXTURES_DIR, 'ollama', 'version.json'), 'utf8')),
    },
  });
  plain = await startFakeUpstream({});
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([vllm?.close(), ollama?.close(), plain?.close()]);
});

describe("platform: 'auto'", () => {
  it('detects a Switchyard gateway, sending the key on the probe', async () => {
    const client = await OpenAICompatibleClient.detect({
      platform: 'auto',
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sy-key',
    });
    expect(client.platform).toBe('switchyard');
    expect((await client.models.list()).data).toEqual([]);
    await client.close();
  });

  it('detects vLLM by /version and Ollama by /api/version', async () => {
    const v = await OpenAICompatibleClient.detect({ platform: 'auto', baseURL: `${vllm.url}/v1` });
    expect(v.platform).toBe('vllm');
    expect(vllm.requests.map((r) => r.path)).toEqual(['/version']);
    const o = await OpenAICompatibleClient.detect({ baseURL: ollama.url });
    expect(o.platform).toBe('ollama');
    expect(ollama.requests.map((r) => r.path)).toEqual(['/version', '/api/version']);
    await Promise.all([v.close(), o.close()]);
  });

  it('takes a server with neither version route for openai', async () => {
    const client = await OpenAICompatibleClient.detect({ platform: 'auto', baseURL: `${plain.url}/v1` });
    expect(client.platform).toBe('openai');
    await client.close();
  });

  it('rejects without baseURL, on a bad config, and for an unreachable server', async () => {
    await expect(OpenAICompatibleClient.detect({ platform: 'auto' })).rejects.toBeInstanceOf(
      ClientConfigError,
    );
    await expect(
      OpenAICompatibleClient.detect({ platform: 'auto', baseURL: 'localhost:1' }),
    ).rejects.toBeInstanceOf(ClientConfigError);
    await expect(
      OpenAICompatibleClient.detect({ platform: 'auto', baseURL: 'http://127.0.0.1:1/v1', timeout: 2000 }),
    ).rejects.toBeInstanceOf(APIConnectionError);
  });
});
