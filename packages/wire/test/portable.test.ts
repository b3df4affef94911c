/**
 * The wire package runs outside Node: its sources import nothing but each other and use no Node-only global. (Its
 * tsconfig also compiles without Node's types, so `tsc -b` fails on any such use first.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url);
const sources = readdirSync(SRC).filter((name) => name.endsWith('.ts'));

describe('@switchyard/wire sources', () => {
  it('exist', () => {
    expect(sources).toContain('index.ts');
  });

  it.each(sources)('%s imports only sibling modules and uses no Node-only global', (name) => {
    const text = readFileSync(new URL(name, SRC), 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec, `${name} imports ${spec}`).toMatch(/^\.\/[\w-]+\.js$/);
    expect(text).not.toMatch(/\b(Buffer|process|require|__dirname|setImmediate)\b/);
  });
});
