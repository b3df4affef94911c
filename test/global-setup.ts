import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds every workspace (incremental `tsc -b`, a no-op when up to date) so e2e tests run the current code. */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npx', ['tsc', '-b', 'packages/gateway', 'packages/client'], { cwd: root, stdio: 'inherit' });
}
