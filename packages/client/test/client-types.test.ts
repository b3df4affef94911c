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

describe('client types in a consumer project without @types/node', () => {
  it('each platform has exactly the members it serves', () => {
    const { status, output } = compileConsumer({ 'members.ts': memberChecks(), 'usage.ts': usage });
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('the check can fail: a member used on a platform that lacks it is reported', () => {
    const source = `import type { OpenAICompatibleClient } from '@switchyard/client';
declare const vllm: OpenAICompatibleClient<'vllm'>;
vllm.models.pull({ model: 'x' });
`;
    const { status, output } = compileConsumer({ 'wrong.ts': source });
    expect(status).not.toBe(0);
    expect(output).toContain("Property 'pull' does not exist");
  });
});
