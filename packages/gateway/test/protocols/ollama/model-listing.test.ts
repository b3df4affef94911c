import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import type { ModelFacts } from '../../../src/core/model-facts.js';
import { ollamaError } from '../../../src/protocols/ollama/error-envelope.js';
import {
  modelDetails,
  runningEntry,
  showResponse,
  tagsEntry,
} from '../../../src/protocols/ollama/model-listing.js';

function facts(metadata: Record<string, unknown>, parameterCount?: number): ModelFacts {
  return {
    sizeBytes: 4_920_000_000,
    modifiedAt: 1_700_000_000,
    sha256: 'ab'.repeat(32),
    format: 'gguf',
    metadata,
    ...(parameterCount === undefined ? {} : { parameterCount }),
  };
}

describe('modelDetails', () => {
  it('names the quantization by llama_ftype and the family by architecture', () => {
    expect(modelDetails(facts({ 'general.architecture': 'qwen2', 'general.file_type': 15 }))).toEqual({
      parent_model: '',
      format: 'gguf',
      family: 'qwen2',
      families: ['qwen2'],
      parameter_size: '',
      quantization_level: 'Q4_K_M',
    });
    expect(modelDetails(facts({ 'general.file_type': 32 })).quantization_level).toBe('BF16');
    expect(modelDetails(facts({ 'general.file_type': 99 })).quantization_level).toBe('99');
  });

  it('prints the weight count as Ollama does, preferring general.size_label', () => {
    expect(modelDetails(facts({}, 8_030_261_248)).parameter_size).toBe('8.0B');
    expect(modelDetails(facts({}, 135_000_000)).parameter_size).toBe('135M');
    expect(modelDetails(facts({}, 260_000)).parameter_size).toBe('260K');
    expect(modelDetails(facts({}, 1_500)).parameter_size).toBe('1.5K');
    expect(modelDetails(facts({}, 12)).parameter_size).toBe('12');
    expect(modelDetails(facts({ 'general.size_label': '7B' }, 6_700_000_000)).parameter_size).toBe('7B');
  });

  it('leaves every detail empty for a model without a file', () => {
    expect(modelDetails(undefined)).toMatchObject({ format: '', family: '', families: null });
  });
});

describe('entries', () => {
  const model = { id: 'm', created: 1_600_000_000, embeds: false, facts: facts({}) };

  it('tags entry: the file time, size and digest; the creation time without a file', () => {
    expect(tagsEntry(model)).toMatchObject({
      name: 'm',
      model: 'm',
      modified_at: '2023-11-14T22:13:20.000Z',
      size: 4_920_000_000,
      digest: 'ab'.repeat(32),
    });
    expect(tagsEntry({ id: 'x', created: 1_600_000_000, embeds: false })).toMatchObject({
      modified_at: '2020-09-13T12:26:40.000Z',
      size: 0,
      digest: '',
    });
  });

  it('ps entry expires about 292 years from now', () => {
    const entry = runningEntry({ ...model, contextLength: 2048 }, Date.UTC(2026, 0, 1));
    expect(entry.expires_at.slice(0, 4)).toBe('2318');
    expect(entry.context_length).toBe(2048);
  });

  it('show: configured options become Modelfile PARAMETER lines, one per stop string', () => {
    const show = showResponse({
      ...model,
      embeds: true,
      params: { options: { num_ctx: 4096, stop: ['a', 'b'] } },
    });
    expect(show.parameters!.split('\n').map((l) => l.split(/\s+/))).toEqual([
      ['num_ctx', '4096'],
      ['stop', '"a"'],
      ['stop', '"b"'],
    ]);
    expect(show.modelfile).toContain('PARAMETER stop');
    expect(show.capabilities).toEqual(['completion', 'embedding']);
  });
});

describe('ollamaError', () => {
  it('keeps the status and message; names a missing model as Ollama does', () => {
    const bad = new GatewayError(400, 'bad field', { code: 'invalid_value' });
    expect(ollamaError(bad)).toEqual({ status: 400, body: { error: 'bad field' } });
    const missing = new GatewayError(404, "model 'q' not found in provider 'p'", { code: 'model_not_found' });
    expect(ollamaError(missing, 'q')).toEqual({ status: 404, body: { error: "model 'q' not found" } });
  });
});
