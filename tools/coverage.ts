/**
 * `npm run coverage`: line, branch and function coverage of packages/{wire,gateway,client}/src from
 * both kinds of tests. In-process tests are measured by vitest's V8 provider (`@vitest/coverage-v8`); every
 * gateway process a test starts writes raw V8 coverage (`NODE_V8_COVERAGE`, see
 * packages/gateway/test/support/gateway-process.ts), which c8 maps back to the TypeScript sources through the
 * build's source maps. The two Istanbul coverage maps are merged and reported: a text summary on stdout and an
 * HTML report in coverage/index.html.
 *
 * Usage: `npm run coverage [-- <vitest file filters>]`
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import libCoverage from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'coverage');
const IN_PROCESS = join(OUT, 'in-process');
const CHILDREN_RAW = join(OUT, 'children-v8');
const CHILDREN = join(OUT, 'children');
const SOURCES = ['packages/wire/src/**/*.ts', 'packages/gateway/src/**/*.ts', 'packages/client/src/**/*.ts'];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(CHILDREN_RAW, { recursive: true });

const run = (command: string, args: string[], env: Record<string, string> = {}) =>
  execFileSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });

run('npx', ['tsc', '-b', 'packages/wire', 'packages/gateway', 'packages/client']);
try {
  run(
    'npx',
    [
      'vitest',
      'run',
      '--coverage.enabled',
      '--coverage.provider=v8',
      '--coverage.reporter=json',
      `--coverage.reportsDirectory=${IN_PROCESS}`,
      ...SOURCES.map((glob) => `--coverage.include=${glob}`),
      ...process.argv.slice(2),
    ],
    { SWITCHYARD_CHILD_V8_COVERAGE: CHILDREN_RAW },
  );
} catch {
  process.exitCode = 1;
  console.error('coverage: some tests failed; the report below covers the tests that ran');
}

run('npx', [
  'c8',
  'report',
  `--temp-directory=${CHILDREN_RAW}`,
  '--reporter=json',
  `--reports-dir=${CHILDREN}`,
  '--exclude-after-remap',
  ...SOURCES.flatMap((glob) => ['--include', glob]),
]);

const map = libCoverage.createCoverageMap({});
for (const file of [join(IN_PROCESS, 'coverage-final.json'), join(CHILDREN, 'coverage-final.json')]) {
  if (existsSync(file)) map.merge(JSON.parse(readFileSync(file, 'utf8')));
}
const context = libReport.createContext({ dir: OUT, coverageMap: map, defaultSummarizer: 'nested' });
reports.create('text-summary').execute(context);
reports.create('html').execute(context);
console.log(`coverage: HTML report in ${join(OUT, 'index.html')}`);
