/**
 * Compile-time narrowing: a consumer project (no `@types/node`) is compiled with `tsc` against the built package.
 * For every platform and every member of `PLATFORM_SUPPORT`, a served member must type-check and an unserved one must
 * be a type error (`@ts-expect-error`, which itself fails when the line compiles), so the test fails when a platform
 * exposes a method it does not support, and when it lacks one it does.
 */
import { describe, expect, it } from 'vitest';
import { PLATFORM_NAMES, PLATFORM_SUPPORT, type SupportedMember, serves } from '../src/index.js';
import { compileConsumer } from './support/consumer-project.js';

function memberChecks(): string {
  const lines = ["import type { OpenAICompatibleClient } from '@switchyard/client';"];
  for (const platform of PLATFORM_NAMES) {
    lines.push(`declare const ${platform}: OpenAICompatibleClient<'${platform}'>;`);
    for (const member of Object.keys(PLATFORM_SUPPORT) as SupportedMember[]) {
      if (!serves(platform, member)) lines.push(`// @ts-expect-error ${member} is not served by ${platform}`);
      lines.push(`${platform}.${member};`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const usage = `import { OpenAICompatibleClient, type Platform } from '@switchyard/client';
const gateway = new OpenAICompatibleClient({ platform: 'switchyard', baseURL: 'http://127.0.0.1:19501' });
export const tokens: Promise<number[]> = gateway.tokenizer.encode({ prompt: 'Hi' }).then((r) => r.tokens);
export const providers: Promise<string[]> = gateway.healthProviders().then((r) => r.providers.map((p) => p.id));
const ollama = new OpenAICompatibleClient({ platform: 'ollama' });
export const pulled = ollama.models.pull({ model: 'qwen3:0.6b' }).done();
const derived = ollama.withOptions({ timeout: 1000 });
export const running = derived.models.running();
// @ts-expect-error a derived client keeps its platform's shape
derived.tokenizer;
const any: OpenAICompatibleClient<Platform> = OpenAICompatibleClient.fromEnv({});
export const listed = any.models.list();
// @ts-expect-error a client of unknown platform has only what every platform serves
any.version();
// @ts-expect-error the platform is checked
new OpenAICompatibleClient({ platform: 'tgi' });
`;

const sdkTypes = `import type { ChatCompletion, ChatCompletionChunk, FileSource, Stream } from '@switchyard/client';
export const text = (c: ChatCompletion): string | null => c.choices[0]?.message.content ?? null;
export type Chunks = Stream<ChatCompletionChunk>;
export const bytes: FileSource = new Uint8Array([1]);
export const blob: FileSource = new Blob(['x']);
`;

describe('client types in a consumer project without @types/node', () => {
  // One compile (declaration files checked too) serves the three checks below.
  const { status, output } = compileConsumer(
    { 'members.ts': memberChecks(), 'usage.ts': usage, 'sdk-types.ts': sdkTypes },
    {},
    ['--listFiles'],
  );
  const lines = output.split('\n').filter(Boolean);

  it('compiles: each platform has exactly the members it serves, and the common SDK types are re-exported', () => {
    expect(lines.filter((line) => line.includes('error TS'))).toEqual([]);
    expect(status).toBe(0);
  });

  it('reaches no Node or undici type from the package', () => {
    expect(lines.some((f) => f.endsWith('/packages/client/dist/index.d.ts'))).toBe(true);
    expect(lines.filter((f) => /@types\/node|undici/.test(f))).toEqual([]);
  });

  it('the check can fail: a member used on a platform that lacks it is reported', () => {
    const source = `import type { OpenAICompatibleClient } from '@switchyard/client';
declare const vllm: OpenAICompatibleClient<'vllm'>;
vllm.models.pull({ model: 'x' });
`;
    const wrong = compileConsumer({ 'wrong.ts': source }, { skipLibCheck: true });
    expect(wrong.status).not.toBe(0);
    expect(wrong.output).toContain("Property 'pull' does not exist");
  });
});
