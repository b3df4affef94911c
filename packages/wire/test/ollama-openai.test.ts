/** The Ollama ↔ OpenAI field mappings. */
import { describe, expect, it } from 'vitest';
import { completionLogprobs, THINK_FROM_REASONING_EFFORT } from '../src/index.js';

describe('completionLogprobs', () => {
  it('builds the parallel arrays, offsets counted from the given start', () => {
    const list = [
      {
        token: 'Hi',
        logprob: -0.1,
        top_logprobs: [
          { token: 'Hi', logprob: -0.1 },
          { token: 'Hey', logprob: -2.5 },
        ],
      },
      { token: '!', logprob: -0.4, top_logprobs: [{ token: '.', logprob: -1.2 }] },
    ];
    expect(completionLogprobs(list, 5)).toEqual({
      tokens: ['Hi', '!'],
      token_logprobs: [-0.1, -0.4],
      top_logprobs: [
        { Hi: -0.1, Hey: -2.5 },
        { '.': -1.2, '!': -0.4 },
      ],
      text_offset: [5, 7],
    });
  });

  it('gives the sampled token alone when Ollama sent no alternatives', () => {
    expect(completionLogprobs([{ token: 'a', logprob: -1 }], 0).top_logprobs).toEqual([{ a: -1 }]);
    expect(completionLogprobs([], 0)).toEqual({
      tokens: [],
      token_logprobs: [],
      top_logprobs: [],
      text_offset: [],
    });
  });
});

describe('THINK_FROM_REASONING_EFFORT', () => {
  it("follows Ollama's own OpenAI layer", () => {
    expect(THINK_FROM_REASONING_EFFORT.none).toBe(false);
    expect(THINK_FROM_REASONING_EFFORT.minimal).toBe('low');
    expect(THINK_FROM_REASONING_EFFORT.xhigh).toBe('max');
    expect(THINK_FROM_REASONING_EFFORT.medium).toBe('medium');
  });
});
