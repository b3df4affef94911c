/**
 * The fake llama-server tokenizes as llama.cpp does: its `/tokenize` answers are compared with node-llama-cpp
 * (llama.cpp itself, as a library) tokenizing the same text with the same GGUF file.
 */
import { getLlama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLAMACPP_GGUF, startFakeLlamaCpp } from './fake-llamacpp.js';
import type { FakeUpstream } from './fake-upstream.js';

let fake: FakeUpstream;
let model: LlamaModel;

beforeAll(async () => {
  fake = await startFakeLlamaCpp();
  const llama = await getLlama({ gpu: false, build: 'never' });
  model = await llama.loadModel({ modelPath: LLAMACPP_GGUF });
});

afterAll(async () => {
  await model?.dispose();
  await fake?.close();
});

const TEXTS = [
  'once upon a time',
  'Once  upon\na time.',
  'naïve €5',
  'hello there',
  '<|im_start|> user hello there <|im_end|> <|im_start|> assistant',
  'The little dog said: "Let\'s play!"',
  '',
];

async function fakeTokenize(content: string, addSpecial: boolean): Promise<number[]> {
  const res = await fetch(`${fake.url}/tokenize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content, add_special: addSpecial }),
  });
  return ((await res.json()) as { tokens: number[] }).tokens;
}

describe('fake llama-server tokenizer', () => {
  it.each(TEXTS)('tokenizes %j exactly like llama.cpp', async (text) => {
    expect(await fakeTokenize(text, false)).toEqual([...model.tokenize(text)]);
  });

  it('adds BOS only when add_special is true', async () => {
    expect(await fakeTokenize('once', true)).toEqual([model.tokens.bos, ...model.tokenize('once')]);
  });
});
