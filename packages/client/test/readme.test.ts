/** The README's platform support table is the one generated from `PLATFORM_SUPPORT`. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, renderSupportTable, withCurrentTable } from './support/support-table.js';

describe('README support table', () => {
  const readme = readFileSync(README, 'utf8');

  it('is current (regenerate with: npx tsx packages/client/test/support/support-table.ts)', () => {
    expect(withCurrentTable(readme)).toBe(readme);
  });

  it('has a row per member with a mark per platform', () => {
    const table = renderSupportTable();
    expect(table).toContain('| `models.pull` | — | ✓ | — | — |');
    expect(table).toContain('| `tokenizer` | ✓ | — | — | ✓ |');
    expect(table).toContain('| `healthProviders` | — | — | — | ✓ |');
  });
});
