/**
 * A throw-away consumer project for type tests: a temporary folder whose `node_modules/@switchyard/client` links to
 * this package (its built `dist/`), compiled with the repository's `tsc` and no `@types/node` (`types: []`, the DOM
 * library as a browser or Deno project has it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const TSC = fileURLToPath(new URL('../../../../node_modules/typescript/bin/tsc', import.meta.url));

/**
 * The consumer's tsconfig: strict, ESM, NodeNext resolution, no ambient `@types`, and the package's declaration
 * files checked too (`skipLibCheck: false`), so a Node-only type in them is an error.
 */
export const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    types: [],
    skipLibCheck: false,
  },
  include: ['*.ts'],
};

/**
 * Compiles `files` (name → TypeScript source) as a consumer of `@switchyard/client`.
 * @param tsconfig overrides merged over {@link CONSUMER_TSCONFIG}'s `compilerOptions`
 * @param tscArgs extra tsc arguments, e.g. `--listFiles`
 * @returns tsc's exit status and output
 */
export function compileConsumer(
  files: Record<string, string>,
  tsconfig: Record<string, unknown> = {},
  tscArgs: string[] = [],
): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-consumer-'));
  try {
    mkdirSync(join(dir, 'node_modules', '@switchyard'), { recursive: true });
    symlinkSync(PACKAGE_DIR, join(dir, 'node_modules', '@switchyard', 'client'), 'dir');
    const config = {
      ...CONSUMER_TSCONFIG,
      compilerOptions: { ...CONSUMER_TSCONFIG.compilerOptions, ...tsconfig },
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    const run = spawnSync(process.execPath, [TSC, '-p', dir, ...tscArgs], { encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}`.replaceAll(dir, '<consumer>') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
