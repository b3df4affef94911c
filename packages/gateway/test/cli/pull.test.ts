/**
 * `switchyard pull` (the built CLI) against a gateway process reached with `--url` and a key, as for a remote
 * gateway, whose embedded provider downloads from a local HTTP server serving the shared models into a
 * temporary `models_dir`: the progress bar, an interrupted download resumed, a corrupted file refused.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, runCli, startGatewayProcess } from '../support/gateway-process.js';
import { type ModelFileServer, startModelFileServer } from '../support/model-file-server.js';

const KEY = 'sk-cli-pull';
let files: ModelFileServer;
let gateway: GatewayProcess;
let modelsDir: string;

beforeAll(async () => {
  modelsDir = mkdtempSync(join(tmpdir(), 'switchyard-cli-pull-'));
  files = await startModelFileServer();
  gateway = await startGatewayProcess({
    server: { api_keys: [KEY], log_level: 'silent' },
    providers: { local: { type: 'embedded', models_dir: modelsDir, pull_registry: files.url } },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await files?.close();
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});

const pull = (model: string) => runCli(['pull', model, '--url', gateway.url, '--api-key', KEY]);

async function served(): Promise<string[]> {
  const res = await fetch(`${gateway.url}/api/tags`, { headers: { authorization: `Bearer ${KEY}` } });
  return ((await res.json()) as { models: { name: string }[] }).models.map((m) => m.name);
}

describe('switchyard pull', () => {
  it('shows the statuses and a progress bar with bytes, rate and ETA, and the model is served after', async () => {
    const { code, stderr } = await pull('stories260K');
    expect(code).toBe(0);
    const sha = files.sha256('stories260K.gguf');
    const lines = stderr.split('\n');
    expect(lines[0]).toBe('pulling manifest');
    expect(stderr).toMatch(
      new RegExp(
        `pulling ${sha.slice(0, 12)} .* 100% \\| 1\\.2 MB/1\\.2 MB \\| [0-9.]+ [KMG]?B/s \\| ETA \\w+`,
      ),
    );
    expect(lines.filter((l) => !l.startsWith('pulling ')).filter(Boolean)).toEqual([
      'verifying sha256 digest',
      'writing manifest',
      'success',
    ]);
    expect(await served()).toContain('stories260K');
  });

  it('resumes an interrupted download and ends with the whole file', async () => {
    const { code, stderr } = await pull(`${files.url}/cut/llama-2-tiny-random.gguf`);
    expect(code).toBe(0);
    expect(stderr).toMatch(/interrupted after \d+ of 1750560 bytes/);
    expect(stderr).toContain('resuming (retry 1 of 3)');
    expect(stderr.trim().endsWith('success')).toBe(true);
    const resumed = files.seen.filter((r) => r.path === '/cut/llama-2-tiny-random.gguf').at(-1)!;
    expect(resumed.range).toMatch(/^bytes=[1-9]\d*-$/);
    const pulled = readFileSync(join(modelsDir, 'llama-2-tiny-random.gguf'));
    expect(pulled.equals(readFileSync(join(MODELS_DIR, 'llama-2-tiny-random.gguf')))).toBe(true);
  });

  it('exits 1 with the checksum error for a corrupted file, without retrying or keeping it', async () => {
    const { code, stderr } = await pull(`${files.url}/corrupt/stories260K-qwen2.5-chat-template.gguf`);
    expect(code).toBe(1);
    expect(stderr).toMatch(/switchyard: digest mismatch, file must be downloaded again/);
    expect(stderr).not.toContain('resuming');
    expect(readdirSync(modelsDir).some((f) => f.startsWith('stories260K-qwen2.5'))).toBe(false);
  });

  it('exits 1 with the status for a name the registry does not have, and for a wrong key', async () => {
    const missing = await pull('no-such-model');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('/api/pull answered 404: pull model manifest: file does not exist');
    const denied = await runCli(['pull', 'stories260K', '--url', gateway.url, '--api-key', 'wrong']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('answered 401');
  });
});
