import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDERS_DOC_PATH, renderProvidersDoc } from '../src/docs/providers-doc.js';
import { ANTHROPIC_CAPABILITIES } from '../src/providers/anthropic/capabilities.js';
import { ACCEPTED_DETAIL } from '../src/providers/capabilities.js';
import { EMBEDDED_CAPABILITIES } from '../src/providers/embedded/capabilities.js';
import { GEMINI_CAPABILITIES } from '../src/providers/gemini/capabilities.js';
import { OLLAMA_CAPABILITIES } from '../src/providers/ollama/capabilities.js';
import { OPENAI_COMPATIBLE_PRESETS } from '../src/providers/openai-compatible/presets.js';

describe('docs/providers.md', () => {
  it('matches the capability data (run `npm run docs:providers` after changing providers)', () => {
    const committed = readFileSync(PROVIDERS_DOC_PATH, 'utf8');
    expect(committed, 'docs/providers.md is stale: run `npm run docs:providers`').toBe(renderProvidersDoc());
  });

  it('has one row for the embedded engine, per translated type and per OpenAI-compatible preset', () => {
    const rows = renderProvidersDoc()
      .split('\n')
      .filter((line) => /^\| `[\w-]+` \|/.test(line))
      .map((line) => /^\| `([\w-]+)`/.exec(line)![1]);
    expect(rows).toEqual([
      EMBEDDED_CAPABILITIES.type,
      OLLAMA_CAPABILITIES.type,
      ANTHROPIC_CAPABILITIES.type,
      GEMINI_CAPABILITIES.type,
      ...Object.keys(OPENAI_COMPATIBLE_PRESETS),
    ]);
  });
});

describe('capability data', () => {
  it('derives unsupported fields from the OpenAI field list: what a type does not handle is listed', () => {
    expect(ANTHROPIC_CAPABILITIES.unsupported).toEqual(
      expect.arrayContaining([
        'chat.completions:seed',
        'chat.completions:logprobs',
        'completions:logprobs',
        'completions:echo',
      ]),
    );
    expect(ANTHROPIC_CAPABILITIES.unsupported).not.toContain('chat.completions:temperature');
    expect(GEMINI_CAPABILITIES.unsupported).toContain('chat.completions:parallel_tool_calls');
    expect(GEMINI_CAPABILITIES.unsupported).not.toContain('chat.completions:seed');
    expect(GEMINI_CAPABILITIES.unsupported).toContain('chat.completions:prediction');
    expect(EMBEDDED_CAPABILITIES.unsupported).toEqual(
      expect.arrayContaining(['chat.completions:reasoning_effort', 'completions:suffix']),
    );
    expect(EMBEDDED_CAPABILITIES.unsupported).not.toContain('chat.completions:n');
    expect(EMBEDDED_CAPABILITIES.unsupported).not.toContain('completions:echo');
  });

  it('accepts the fields that ask nothing of the model on every screened type, mapped or not sent', () => {
    for (const capabilities of [EMBEDDED_CAPABILITIES, ANTHROPIC_CAPABILITIES, GEMINI_CAPABILITIES]) {
      for (const field of [
        'user',
        'safety_identifier',
        'metadata',
        'store',
        'prompt_cache_key',
        'service_tier',
      ]) {
        expect(capabilities.unsupported, `${capabilities.type} ${field}`).not.toContain(
          `chat.completions:${field}`,
        );
      }
    }
    expect(GEMINI_CAPABILITIES.emulated).toContain(`embeddings:user (${ACCEPTED_DETAIL})`);
    expect(ANTHROPIC_CAPABILITIES.translated).toContain('chat.completions:user (metadata.user_id)');
    expect(ANTHROPIC_CAPABILITIES.emulated).not.toContain(`chat.completions:user (${ACCEPTED_DETAIL})`);
  });

  it('never lists a field as both handled and unsupported', () => {
    for (const capabilities of [EMBEDDED_CAPABILITIES, ANTHROPIC_CAPABILITIES, GEMINI_CAPABILITIES]) {
      const key = (entry: string) => entry.split(' (')[0];
      const handled = new Set(
        [...capabilities.passthrough, ...capabilities.translated, ...capabilities.emulated].map(key),
      );
      const fieldLevel = capabilities.unsupported.filter((entry) => !entry.includes(' ('));
      expect(fieldLevel.filter((entry) => handled.has(entry))).toEqual([]);
    }
  });
});
