/**
 * `switchyard list` and `switchyard ps` (the built CLI) against a gateway process on the embedded engine,
 * reached with `--url` and a key, as for a remote gateway.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanBytes } from '../../src/cli/ollama-listing.js';
import { type GatewayProcess, MODELS_DIR, runCli, startGatewayProcess } from '../support/gateway-process.js';

const KEY = 'sk-cli-listing';
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { api_keys: [KEY], log_level: 'silent' },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('switchyard list / ps', () => {
  it('list prints every model with its digest prefix and size', async () => {
    const { code, stdout } = await runCli(['list', '--url', gateway.url, '--api-key', KEY]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['NAME', 'ID', 'SIZE', 'MODIFIED']);
    const stories = lines.find((l) => l.startsWith('stories260K '))!.split(/\s{2,}/);
    expect(stories[1]).toMatch(/^[0-9a-f]{12}$/);
    expect(stories[2]).toBe(humanBytes(statSync(join(MODELS_DIR, 'stories260K.gguf')).size));
    expect(lines).toHaveLength(4);
  });

  it('ps prints the loaded models only, kept Forever on the CPU', async () => {
    const empty = await runCli(['ps', '--url', gateway.url], { SWITCHYARD_API_KEY: KEY });
    expect(empty.code).toBe(0);
    expect(empty.stdout.trim().split('\n')).toHaveLength(1);
    const res = await fetch(`${gateway.url}/api/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        model: 'stories260K',
        prompt: 'Once',
        raw: true,
        stream: false,
        options: { num_predict: 1 },
      }),
    });
    expect(res.status).toBe(200);
    const { code, stdout } = await runCli(['ps', '--url', gateway.url], { SWITCHYARD_API_KEY: KEY });
    expect(code).toBe(0);
    const rows = stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{2,}/));
    expect(rows).toHaveLength(1);
    expect(rows[0]![0]).toBe('stories260K');
    expect(rows[0]!.slice(3)).toEqual(['100% CPU', 'Forever']);
  });

  it('exits 1 naming the status and Ollama error for a wrong key, and an unreachable gateway', async () => {
    const wrong = await runCli(['list', '--url', gateway.url, '--api-key', 'sk-wrong']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('answered 401');
    const down = await runCli(['ps', '--url', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach the gateway at http://127.0.0.1:9');
  });

  it('prints sizes in decimal units as Ollama does', () => {
    expect(humanBytes(1_185_376)).toBe('1.2 MB');
    expect(humanBytes(4_920_000_000)).toBe('4.9 GB');
    expect(humanBytes(27_000_000)).toBe('27 MB');
    expect(humanBytes(512)).toBe('512 B');
  });
});
