/**
 * Every transcript under test/fixtures/ says where it came from: each folder has a SOURCES.md (or README.md) that
 * says whether its files were recorded (from which server and version) or written by hand (from which
 * documentation example), with one table row naming each file, and names no file that is not there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from './support/fake-upstream.js';

const PROVENANCE_FILES = ['SOURCES.md', 'README.md'];

const folders = readdirSync(FIXTURES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** The file names in the first column of the document's tables (one or more backticked names per row). */
function listedFiles(markdown: string): string[] {
  const names: string[] = [];
  for (const line of markdown.split('\n')) {
    const row = /^\| ([^|]+) \|/.exec(line);
    if (row) for (const name of (row[1] as string).matchAll(/`([^`]+)`/g)) names.push(name[1] as string);
  }
  return names;
}

describe('fixture provenance', () => {
  it('finds fixture folders', () => {
    expect(folders.length).toBeGreaterThan(0);
  });

  it.each(folders)('%s names the origin of exactly the files in the folder', (folder) => {
    const dir = join(FIXTURES_DIR, folder);
    const doc = PROVENANCE_FILES.find((name) => existsSync(join(dir, name)));
    expect(doc, `${folder} has a SOURCES.md or README.md`).toBeDefined();
    const markdown = readFileSync(join(dir, doc as string), 'utf8');
    const files = readdirSync(dir)
      .filter((name) => !PROVENANCE_FILES.includes(name))
      .sort();
    expect([...new Set(listedFiles(markdown))].sort()).toEqual(files);
    expect(markdown).toMatch(/hand-written|written by hand|recorded from/i);
    expect(markdown).toMatch(/https:\/\//);
  });
});
