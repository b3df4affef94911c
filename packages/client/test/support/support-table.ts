/**
 * The README's platform support table, generated from `PLATFORM_SUPPORT` (the table behind the client's types):
 * `renderSupportTable()` gives the Markdown, `README_MARKERS` delimit it in packages/client/README.md, and running
 * this file (`npx tsx packages/client/test/support/support-table.ts`) rewrites that part of the README.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PLATFORM_NAMES, PLATFORM_SUPPORT, type SupportedMember, serves } from '../../src/index.js';

/** The comments around the generated table in the README. */
export const README_MARKERS = ['<!-- support-table:start -->', '<!-- support-table:end -->'] as const;

/** packages/client/README.md. */
export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** One row per member of `PLATFORM_SUPPORT` (a namespace's methods named after it), ✓ where the platform serves it. */
export function renderSupportTable(): string {
  const header = `| Member | ${PLATFORM_NAMES.map((p) => `\`${p}\``).join(' | ')} |`;
  const rule = `| --- | ${PLATFORM_NAMES.map(() => ':---:').join(' | ')} |`;
  const rows = (Object.keys(PLATFORM_SUPPORT) as SupportedMember[]).map(
    (member) =>
      `| \`${member}\` | ${PLATFORM_NAMES.map((platform) => (serves(platform, member) ? '✓' : '—')).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}

/** The README text with the part between the markers replaced by the current table. */
export function withCurrentTable(readme: string): string {
  const [start, end] = README_MARKERS;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README lacks the markers ${start} … ${end}`);
  return `${readme.slice(0, from + start.length)}\n${renderSupportTable()}\n${readme.slice(to)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, withCurrentTable(readFileSync(README, 'utf8')));
}
