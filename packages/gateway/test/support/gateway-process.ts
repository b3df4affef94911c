/**
 * Starts a real `switchyard serve` process (the built CLI) on a free port for end-to-end tests, with a config
 * given as YAML text or a plain object, and stops it by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** The CLI entry point of the built gateway. */
export const CLI = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
/** Repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The shared GGUF models (env `SWITCHYARD_MODELS_DIR`, default `../shared/models` beside the repo). */
export const MODELS_DIR = process.env.SWITCHYARD_MODELS_DIR ?? join(REPO_ROOT, '..', 'shared', 'models');

/**
 * The environment of a started gateway: the test's own, `NODE_V8_COVERAGE` when `npm run coverage` asks for
 * coverage of child processes (`SWITCHYARD_CHILD_V8_COVERAGE`, tools/coverage.ts), then `env`.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const coverage = process.env.SWITCHYARD_CHILD_V8_COVERAGE;
  return { ...process.env, ...(coverage ? { NODE_V8_COVERAGE: coverage } : {}), ...env };
}

/** A running gateway process. */
export interface GatewayProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The switchyard.yaml it serves (rewrite it to test reloads). */
  configFile: string;
  /** Everything the process printed on stdout and stderr so far. */
  output(): string;
  child: ChildProcess;
  /** Sends SIGTERM and waits for exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Writes `config` to a temporary switchyard.yaml (removed when the process exits) and starts
 * `switchyard serve --port 0` on it.
 * @param config YAML text or an object serialized as YAML
 * @param env extra environment variables
 * @param args extra `serve` arguments (e.g. `--watch-config`)
 * @throws when the process exits or prints no URL within `timeoutMs` (default 30 s)
 */
export async function startGatewayProcess(
  config: string | object,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  args: string[] = [],
): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const file = join(dir, 'switchyard.yaml');
  writeFileSync(file, typeof config === 'string' ? config : stringify(config));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--port', '0', ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  let text = '';
  child.stdout!.on('data', (c: Buffer) => {
    text += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    text += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start within ${timeoutMs} ms:\n${text}`));
    }, timeoutMs);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${text}`));
    });
  });
  return {
    url,
    configFile: file,
    output: () => text,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve(child.exitCode);
          return;
        }
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Runs the CLI to completion (e.g. `models`, or `serve` with a bad config) and returns its exit code and output.
 * @param args CLI arguments
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Writes YAML text to a temporary file and returns its path. */
export function writeTempConfig(yamlText: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const file = join(dir, 'switchyard.yaml');
  writeFileSync(file, yamlText);
  return file;
}
