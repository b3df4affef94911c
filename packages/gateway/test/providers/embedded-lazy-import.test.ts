import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('node-llama-cpp is loaded only when an embedded provider needs it', () => {
  it('no source file imports its values statically (only providers/embedded/llama-module.ts loads it)', () => {
    const offenders = sources(SRC).filter((file) => {
      const text = readFileSync(file, 'utf8');
      const statements = text.match(/^import\s[^;]*?from\s+'node-llama-cpp';/gms) ?? [];
      return statements.some((s) => !/^import\s+type\s/.test(s));
    });
    expect(offenders).toEqual([]);
    expect(readFileSync(join(SRC, 'providers/embedded/llama-module.ts'), 'utf8')).toContain(
      "import('node-llama-cpp')",
    );
  });
});
