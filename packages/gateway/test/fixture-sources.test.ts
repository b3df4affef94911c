/**
 * Every transcript under test/fixtures/ says where it came from: each folder's SOURCES.md has one table row per
 * file (which server and version recorded it, or which documentation example it was written from), and lists
 * no file that is not there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from './support/fake-upstream.js';

const folders = readdirSync(FIXTURES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** The file names in the first column of a SOURCES.md table, with the origin text of each row. */
function listedSources(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const row = /^\| `([^`]+)` \| (.+) \|$/.exec(line);
    if (row) rows.set(row[1] as string, row[2] as string);
  }
  return rows;
}

describe('fixture provenance', () => {
  it('finds fixture folders', () => {
    expect(folders.length).toBeGreaterThan(0);
  });

  it.each(folders)('%s/SOURCES.md names the origin of exactly the files in the folder', (folder) => {
    const dir = join(FIXTURES_DIR, folder);
    const files = readdirSync(dir)
      .filter((name) => name !== 'SOURCES.md')
      .sort();
    const listed = listedSources(readFileSync(join(dir, 'SOURCES.md'), 'utf8'));
    expect([...listed.keys()].sort()).toEqual(files);
    for (const [file, origin] of listed) {
      expect(origin, file).toMatch(/recorded from|hand-written|https:\/\//);
    }
  });
});
