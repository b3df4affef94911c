import { describe, expect, it } from 'vitest';
import { scanUsage, type TokenUsage } from '../../src/telemetry/usage-scan.js';

const fresh = (): TokenUsage => ({ prompt: -1, completion: -1 });
const bytes = (text: string) => Buffer.from(text);

describe('scanUsage', () => {
  it('reads usage off OpenAI objects and leaves absent fields alone', () => {
    const usage = fresh();
    scanUsage({ choices: [], usage: null }, usage);
    expect(usage).toEqual({ prompt: -1, completion: -1 });
    scanUsage({ usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } }, usage);
    expect(usage).toEqual({ prompt: 9, completion: 2 });
  });

  it('reads the last usage of an OpenAI SSE chunk in bytes, not the details keys', () => {
    const usage = fresh();
    scanUsage(
      bytes(
        'data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42,' +
          '"prompt_tokens_details":{"cached_tokens":4}}}\n\n',
      ),
      usage,
    );
    expect(usage).toEqual({ prompt: 12, completion: 30 });
  });

  it('takes Anthropic message_start, then message_delta output tokens (Messages streaming reference)', () => {
    const usage = fresh();
    scanUsage(
      bytes(
        'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":25,' +
          '"cache_creation_input_tokens":7,"output_tokens":1}}}\n\n',
      ),
      usage,
    );
    expect(usage).toEqual({ prompt: 25, completion: 1 });
    scanUsage(
      bytes('event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":15}}\n\n'),
      usage,
    );
    expect(usage).toEqual({ prompt: 25, completion: 15 });
  });

  it('reads the counts of Ollama final NDJSON line', () => {
    const usage = fresh();
    scanUsage(
      bytes('{"model":"m","done":true,"total_duration":5,"prompt_eval_count":26,"eval_count":290}\n'),
      usage,
    );
    expect(usage).toEqual({ prompt: 26, completion: 290 });
  });

  it('ignores the keys inside generated text, where JSON escapes their quotes', () => {
    const usage = fresh();
    scanUsage(
      bytes('data: {"choices":[{"delta":{"content":"\\"usage\\": {\\"prompt_tokens\\": 5}"}}]}\n\n'),
      usage,
    );
    expect(usage).toEqual({ prompt: -1, completion: -1 });
  });
});
