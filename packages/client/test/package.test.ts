/**
 * The published package: what `npm pack` would ship (no build metadata, no source maps without their sources, no
 * tests), the metadata a registry page needs, and `openai` as a peer dependency whose range holds the version the
 * tests run against. (That the types compile without `@types/node` is client-types.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', PACKAGE_DIR), 'utf8'));

/** The file list of `npm pack --dry-run` (paths relative to the package). */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: PACKAGE_DIR,
    encoding: 'utf8',
  });
  const [pack] = JSON.parse(out) as [{ files: { path: string }[] }];
  return pack.files.map((f) => f.path).sort();
}

describe('npm pack', () => {
  const files = packedFiles();

  it('ships the entry points, README, LICENSE and package.json, and nothing of the build or the tests', () => {
    expect(files).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']),
    );
    expect(files.filter((f) => /\.tsbuildinfo$|^src\/|^test\/|(^|\/)\.[^/]+$/.test(f))).toEqual([]);
    expect(files.every((f) => /^(dist\/.*\.(js|d\.ts)|LICENSE|README\.md|package\.json)$/.test(f))).toBe(
      true,
    );
  });

  it('ships no source map, and no shipped file points at one', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const pointing = files.filter(
      (f) =>
        /\.(js|d\.ts)$/.test(f) &&
        readFileSync(new URL(f, PACKAGE_DIR), 'utf8').includes('sourceMappingURL='),
    );
    expect(pointing).toEqual([]);
  });

  it('every file the exports map names is shipped', () => {
    const targets = JSON.stringify(manifest.exports).match(/\.\/dist\/[^"]+/g) ?? [];
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(files).toContain(target.slice(2));
  });
});

describe('package.json', () => {
  it('has the metadata a registry needs and builds before publishing', () => {
    expect(manifest).toMatchObject({
      name: '@switchyard/client',
      license: 'MIT',
      type: 'module',
      repository: { type: 'git', directory: 'packages/client' },
    });
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.scripts.prepublishOnly).toContain('tsc -b');
  });

  it('takes openai as a peer dependency whose range holds the tested version', () => {
    expect(manifest.dependencies?.openai).toBeUndefined();
    const range: string = manifest.peerDependencies.openai;
    const [, low, high] = /^>=(\d+\.\d+\.\d+) <(\d+)$/.exec(range) ?? [];
    expect(low).toBeDefined();
    const installed: string = JSON.parse(
      readFileSync(new URL('../../../node_modules/openai/package.json', import.meta.url), 'utf8'),
    ).version;
    expect(manifest.devDependencies.openai).toBe(low);
    expect(installed).toBe(low);
    expect(Number(installed.split('.')[0])).toBeLessThan(Number(high));
  });
});
