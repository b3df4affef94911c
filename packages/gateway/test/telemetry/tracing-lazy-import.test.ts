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

describe('the OpenTelemetry SDK is loaded only when traces are exported', () => {
  it('no source file imports @opentelemetry/* values statically (telemetry/tracing.ts loads them)', () => {
    const offenders = sources(SRC).filter((file) => {
      const statements =
        readFileSync(file, 'utf8').match(/^import\s[^;]*?from\s+'@opentelemetry\/[^']+';/gms) ?? [];
      return statements.some((s) => !/^import\s+type\s/.test(s));
    });
    expect(offenders).toEqual([]);
    expect(readFileSync(join(SRC, 'telemetry/tracing.ts'), 'utf8')).toContain(
      "import('@opentelemetry/sdk-trace')",
    );
  });
});
