/**
 * The systems under test, each started as a real process pinned to the proxy core and pointed at the same
 * mock upstream: `direct` (no proxy), `nginx`, `switchyard` and `portkey`; and `switchyard-base`, the same
 * gateway built from another checkout (`--base DIR`), to compare two commits in one run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MOCK_MODEL } from './mock-upstream.js';
import { freePort, type Managed, startPinned, waitForPort } from './processes.js';

/** Names of the targets, in the order each round runs them. */
export const TARGET_NAMES = ['direct', 'nginx', 'switchyard', 'portkey', 'switchyard-base'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];
/** The targets a run without `--targets` measures (`switchyard-base` joins them when `--base` is given). */
export const DEFAULT_TARGETS: readonly TargetName[] = ['direct', 'nginx', 'switchyard', 'portkey'];

/** The response header in which Switchyard reports its own per-request overhead, in ms. */
export const OVERHEAD_HEADER = 'x-switchyard-overhead-ms';

/** A running target. */
export interface Target {
  name: TargetName;
  /** Base URL whose `/v1/chat/completions` the load goes to, e.g. `http://127.0.0.1:4000`. */
  baseUrl: string;
  /** Headers every request to this target needs (Portkey's routing headers). */
  headers: Record<string, string>;
  /** PID of the proxy (process tree root) for RSS; absent for `direct`. */
  pid?: number;
  stop(): Promise<void>;
}

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
const AUTH = { authorization: 'Bearer sk-bench' };

function managedTarget(
  name: TargetName,
  port: number,
  proc: Managed,
  headers: Record<string, string>,
  cleanup: () => void,
): Target {
  return {
    name,
    baseUrl: `http://127.0.0.1:${port}`,
    headers,
    pid: proc.pid,
    async stop() {
      await proc.stop();
      cleanup();
    },
  };
}

/** nginx from Debian's nginx-light with bench/nginx/nginx.conf (one worker). */
async function startNginx(mockPort: number, core: number): Promise<Target> {
  const port = await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  const conf = readFileSync(join(BENCH_DIR, 'nginx/nginx.conf'), 'utf8')
    .replaceAll('@PREFIX@', prefix)
    .replaceAll('@PORT@', String(port))
    .replaceAll('@UPSTREAM_PORT@', String(mockPort));
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const proc = startPinned('nginx', core, 'nginx', [
    '-p',
    prefix,
    '-c',
    join(prefix, 'nginx.conf'),
    '-e',
    join(prefix, 'error.log'),
  ]);
  await waitForPort(proc, port);
  return managedTarget('nginx', port, proc, AUTH, () => rmSync(prefix, { recursive: true, force: true }));
}

/**
 * `switchyard serve` with one openai-compatible provider at the mock, built from `repoDir`'s
 * packages/gateway/dist (this checkout, or the `--base` one for `switchyard-base`).
 */
async function startSwitchyard(
  name: 'switchyard' | 'switchyard-base',
  repoDir: string,
  mockPort: number,
  core: number,
  extraArgs: string[],
  env: Record<string, string> = {},
): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-switchyard-'));
  const config = join(dir, 'switchyard.yaml');
  writeFileSync(
    config,
    [
      'server:',
      '  log_level: warn',
      'providers:',
      '  mock:',
      '    type: openai-compatible',
      `    base_url: http://127.0.0.1:${mockPort}/v1`,
      '    discover: false',
      '    max_connections: 2048',
      'models:',
      `  - id: ${MOCK_MODEL}`,
      '    deployments:',
      '      - provider: mock',
      '',
    ].join('\n'),
  );
  const proc = startPinned(
    name,
    core,
    process.execPath,
    [
      ...extraArgs,
      join(repoDir, 'packages/gateway/bin/switchyard.js'),
      'serve',
      '--config',
      config,
      '--port',
      String(port),
    ],
    env,
  );
  await waitForPort(proc, port);
  return managedTarget(name, port, proc, AUTH, () => rmSync(dir, { recursive: true, force: true }));
}

/**
 * The Portkey OSS gateway (`@portkey-ai/gateway`, installed in bench/node_modules by bench/install.sh),
 * forced onto 127.0.0.1 by bench/portkey/bind-localhost.mjs, routed to the mock by its documented headers.
 */
async function startPortkey(mockPort: number, core: number): Promise<Target> {
  const port = await freePort();
  const server = join(BENCH_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const proc = startPinned(
    'portkey',
    core,
    process.execPath,
    ['--import', join(BENCH_DIR, 'portkey/bind-localhost.mjs'), server, `--port=${port}`, '--headless'],
    { NODE_ENV: 'production' },
  );
  await waitForPort(proc, port);
  return managedTarget(
    'portkey',
    port,
    proc,
    {
      ...AUTH,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `http://127.0.0.1:${mockPort}/v1`,
    },
    () => {},
  );
}

/** Options for {@link startTarget}. */
export interface StartOptions {
  mockPort: number;
  /** Core the proxy is pinned to. */
  core: number;
  /** Extra node flags for Switchyard (e.g. `--cpu-prof`). */
  switchyardNodeArgs?: string[];
  /** Checkout (built) whose gateway runs as `switchyard-base`. */
  baseRepo?: string;
  /** Extra environment of the Switchyard process (e.g. `OTEL_EXPORTER_OTLP_ENDPOINT`). */
  switchyardEnv?: Record<string, string>;
}

/**
 * Starts one target and waits until it accepts connections.
 * @throws Error when the proxy binary is missing or does not come up (with its output)
 */
export async function startTarget(name: TargetName, options: StartOptions): Promise<Target> {
  switch (name) {
    case 'direct':
      return {
        name,
        baseUrl: `http://127.0.0.1:${options.mockPort}`,
        headers: AUTH,
        stop: async () => {},
      };
    case 'nginx':
      return startNginx(options.mockPort, options.core);
    case 'switchyard':
      return startSwitchyard(
        name,
        REPO_DIR,
        options.mockPort,
        options.core,
        options.switchyardNodeArgs ?? [],
        options.switchyardEnv,
      );
    case 'switchyard-base':
      if (options.baseRepo === undefined) throw new Error('target switchyard-base needs --base <checkout>');
      return startSwitchyard(
        name,
        options.baseRepo,
        options.mockPort,
        options.core,
        options.switchyardNodeArgs ?? [],
        options.switchyardEnv,
      );
    case 'portkey':
      return startPortkey(options.mockPort, options.core);
  }
}
