import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds every workspace (incremental `tsc -b`, a no-op when up to date) so e2e tests run the current code,
 * and gives the run one temporary directory: `TMPDIR` points into it for the test workers and every process
 * they start (gateways, spooled uploads, temporary configs), and the returned teardown removes it whole.
 * @returns the teardown vitest calls after the run
 */
export default function setup(): () => void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npx', ['tsc', '-b', 'packages/gateway', 'packages/client'], { cwd: root, stdio: 'inherit' });
  const runDir = mkdtempSync(join(tmpdir(), 'switchyard-test-run-'));
  process.env.TMPDIR = runDir;
  return () => rmSync(runDir, { recursive: true, force: true });
}
