/**
 * Reproducible installs: the gateway's own dependencies and the repository's tools are pinned to exact
 * versions (the client keeps the ranges its users need), the lockfile resolves each to that version, and
 * every dependency with an install script is reviewed in the root `allowScripts` (npm 11,
 * https://docs.npmjs.com/cli/v11/commands/npm-install-scripts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/gateway-process.js';

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const read = <T>(path: string): T => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as T;
const root = read<Manifest>('package.json');
const gateway = read<Manifest>('packages/gateway/package.json');
const lock = read<{
  packages: Record<
    string,
    { version?: string; hasInstallScript?: boolean; link?: boolean; resolved?: string }
  >;
}>('package-lock.json');
const EXACT = /^\d+\.\d+\.\d+(-[\w.]+)?$/;

describe('package manifests', () => {
  it.each([
    ['package.json', root],
    ['packages/gateway/package.json', gateway],
  ])('%s pins every dependency exactly, as the lockfile resolves it', (_, manifest) => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    expect(Object.keys(all).length).toBeGreaterThan(0);
    for (const [name, version] of Object.entries(all)) {
      expect(version, name).toMatch(EXACT);
      let installed =
        lock.packages[`node_modules/${name}`] ?? lock.packages[`packages/gateway/node_modules/${name}`];
      // A workspace package (`@switchyard/wire`) is a link to its folder, whose entry has the version.
      if (installed?.link && installed.resolved) installed = lock.packages[installed.resolved];
      expect(installed?.version, name).toBe(version);
    }
  });

  it('reviews every install script in allowScripts, and denies the ones no install needs', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    for (const name of withScripts) expect(root.allowScripts, name).toHaveProperty([name]);
    // esbuild's postinstall only checks its platform binary; node-llama-cpp's would build llama.cpp when no
    // prebuilt binary fits, and the gateway loads the prebuilt one with getLlama({build: 'never'}).
    // better-sqlite3's compiles the SQLite binding the store's default driver loads.
    expect(root.allowScripts).toEqual({ 'better-sqlite3': true, esbuild: false, 'node-llama-cpp': false });
  });
});
