import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The vitest run mutation testing uses (stryker.config.mjs): only tests that run the code in the test process.
 * Tests that start a gateway process (they import test/support/gateway-process.ts) run the built `dist/`, which
 * a mutant never reaches, so they cannot kill mutants and would only slow every run down.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const inProcess = ['packages/wire/test', 'packages/gateway/test', 'packages/client/test']
  .flatMap((dir) => testFiles(join(root, dir)))
  .filter((file) => !readFileSync(file, 'utf8').includes('gateway-process'))
  .map((file) => relative(root, file));

export default defineConfig({
  test: {
    include: inProcess,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
