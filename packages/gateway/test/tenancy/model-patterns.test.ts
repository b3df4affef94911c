import { describe, expect, it } from 'vitest';
import { modelAllowed } from '../../src/tenancy/model-patterns.js';

describe('allowed-model patterns', () => {
  it('allows every model without a list and none with an empty one', () => {
    expect(modelAllowed(undefined, 'any')).toBe(true);
    expect(modelAllowed([], 'any')).toBe(false);
  });

  it('matches exact ids case-sensitively and * as any run of characters', () => {
    expect(modelAllowed(['gpt-4o'], 'gpt-4o')).toBe(true);
    expect(modelAllowed(['gpt-4o'], 'GPT-4o')).toBe(false);
    expect(modelAllowed(['gpt-4o'], 'gpt-4o-mini')).toBe(false);
    expect(modelAllowed(['*'], 'meta/llama')).toBe(true);
    expect(modelAllowed(['llama-*'], 'llama-3.2-1b')).toBe(true);
    expect(modelAllowed(['llama-*'], 'my-llama-3')).toBe(false);
    expect(modelAllowed(['*-embed'], 'nomic-embed')).toBe(true);
    expect(modelAllowed(['qwen*instruct'], 'qwen2.5-7b-instruct')).toBe(true);
    expect(modelAllowed(['a*b*c'], 'abc')).toBe(true);
    expect(modelAllowed(['a*b*c'], 'acb')).toBe(false);
  });

  it('treats regular-expression characters in ids literally', () => {
    expect(modelAllowed(['gpt-4.1'], 'gpt-4x1')).toBe(false);
    expect(modelAllowed(['org/m(1)*'], 'org/m(1)-q4')).toBe(true);
    expect(modelAllowed(['m+'], 'mm')).toBe(false);
  });
});
