/**
 * vLLM's sampling and guided-decoding parameters, by vLLM's names, on the embedded engine: end to end with the
 * `openai` SDK (extra fields in the body, as vLLM's own docs show) against a real gateway process serving the
 * shared GGUF models. Each test compares with the same request without the parameter, so it shows the change
 * vLLM documents (vLLM docs, Extra Parameters and Structured Outputs).
 */
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from './support/gateway-process.js';

const STORIES = 'stories260K';
const QWEN = 'stories260K-qwen2.5-chat-template';
const KWARGS = 'stories-kwargs-template';
const PROMPT = 'Once upon a time';

let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { log_level: 'warn' },
    providers: {
      local: { type: 'embedded', models_dir: MODELS_DIR, parallel: 2 },
      templated: {
        type: 'embedded',
        models: [
          {
            id: KWARGS,
            path: join(MODELS_DIR, 'stories260K.gguf'),
            chat_template:
              '{% if greeting %}{{ greeting }}\n{% endif %}{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}',
          },
        ],
      },
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
});

type Extra = Record<string, unknown>;
type VllmChoice = OpenAI.Completions.CompletionChoice & { stop_reason?: string | number | null };

/** A legacy completion with vLLM extras; returns the first choice and the usage. */
async function complete(extra: Extra) {
  const res = await client.completions.create({
    model: STORIES,
    prompt: PROMPT,
    temperature: 0,
    ...extra,
  } as OpenAI.CompletionCreateParamsNonStreaming);
  return { choice: res.choices[0] as VllmChoice, usage: res.usage!, res };
}

async function chat(extra: Extra, model = QWEN) {
  return client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Tell me a story.' }],
    temperature: 0,
    ...extra,
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
}

async function badRequest(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  return err as InstanceType<typeof OpenAI.BadRequestError>;
}

async function tokenize(prompt: string): Promise<number[]> {
  const res = await fetch(`${gateway.url}/tokenize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: STORIES, prompt, add_special_tokens: false }),
  });
  return ((await res.json()) as { tokens: number[] }).tokens;
}

describe('guided decoding', () => {
  it('guided_choice and structured_outputs.choice return one of the choices, sampled or greedy', async () => {
    const choices = ['The cat sat.', 'A dog ran!', 'Birds "sing"'];
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 4]) {
      const { choice } = await complete({ guided_choice: choices, temperature: 1.5, seed, max_tokens: 40 });
      expect(choices).toContain(choice.text);
      expect(choice.finish_reason).toBe('stop');
      seen.add(choice.text);
      const reply = await chat({ structured_outputs: { choice: choices }, temperature: 1.5, seed });
      expect(choices).toContain(reply.choices[0]!.message.content);
    }
    const free = await complete({ max_tokens: 8 });
    expect(choices).not.toContain(free.choice.text);
  });

  it('guided_regex output is one full match of the pattern, on chat and completions', async () => {
    const pattern = '(yes|no), [0-9]{3}-[a-z]{2,4}\\.';
    const full = new RegExp(`^${pattern}$`);
    for (const seed of [7, 8, 9]) {
      const { choice } = await complete({ guided_regex: pattern, temperature: 1, seed, max_tokens: 40 });
      expect(choice.text).toMatch(full);
      const reply = await chat({
        structured_outputs: { regex: pattern },
        temperature: 1,
        seed,
        max_tokens: 40,
      });
      expect(reply.choices[0]!.message.content).toMatch(full);
    }
    const classes = '[A-Z][^a-z\\s]{2}\\d+';
    const { choice } = await complete({ guided_regex: classes, temperature: 1, seed: 3, max_tokens: 6 });
    expect(choice.text).toMatch(/^[A-Z][^a-z\s]{2}\d+$/);
  });

  it('guided_json (object or JSON text) gives JSON valid against the schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 12 },
        age: { type: 'integer' },
        pet: { enum: ['cat', 'dog'] },
      },
      required: ['name', 'age', 'pet'],
    };
    for (const guided_json of [schema, JSON.stringify(schema)]) {
      const { choice } = await complete({ guided_json, max_tokens: 60 });
      const value = JSON.parse(choice.text) as { name: unknown; age: unknown; pet: unknown };
      expect(typeof value.name).toBe('string');
      expect(Number.isInteger(value.age)).toBe(true);
      expect(['cat', 'dog']).toContain(value.pet);
    }
  });

  it('guided_grammar takes a GBNF grammar; a grammar llama.cpp cannot parse is a 400 naming the field', async () => {
    const grammar = 'root ::= animal " and " animal\nanimal ::= "cat" | "dog" | "owl"';
    for (const seed of [1, 2, 3]) {
      const { choice } = await complete({ guided_grammar: grammar, temperature: 1, seed, max_tokens: 20 });
      expect(choice.text).toMatch(/^(cat|dog|owl) and (cat|dog|owl)$/);
    }
    const err = await badRequest(complete({ guided_grammar: 'root ::= [a-z' }));
    expect(err.param).toBe('guided_grammar');
    const unknown = await badRequest(chat({ structured_outputs: { grammar: 'root ::= missing' } }));
    expect(unknown.param).toBe('structured_outputs.grammar');
  });

  it('refuses two guides at once, a regex a grammar cannot express, and a guide with response_format', async () => {
    const two = await badRequest(complete({ guided_choice: ['a'], guided_regex: 'a+' }));
    expect(two.message).toContain('only one kind of guided decoding');
    const lookahead = await badRequest(complete({ guided_regex: 'a(?=b)' }));
    expect(lookahead.param).toBe('guided_regex');
    expect(lookahead.message).toContain('(?=b)');
    const backref = await badRequest(complete({ guided_regex: '(a)\\1' }));
    expect(backref.message).toContain('Backreference');
    const both = await badRequest(chat({ guided_choice: ['x'], response_format: { type: 'json_object' } }));
    expect(both.param).toBe('guided_choice');
    const other = await badRequest(chat({ structured_outputs: { structural_tag: '{}' } }));
    expect(other.param).toBe('structured_outputs.structural_tag');
  });
});

describe('ending a choice', () => {
  it('min_tokens holds the choice open past a stop token and a stop string', async () => {
    const free = await complete({ max_tokens: 30 });
    const tokens = await tokenize(free.choice.text);
    const stopAt = tokens[4]!;
    const stopped = await complete({ max_tokens: 30, stop_token_ids: [stopAt] });
    const reached = stopped.usage.completion_tokens;
    expect(stopped.choice.stop_reason).toBe(stopAt);
    const held = await complete({ max_tokens: 30, stop_token_ids: [stopAt], min_tokens: reached + 3 });
    expect(held.usage.completion_tokens).toBeGreaterThanOrEqual(reached + 3);
    expect(held.choice.text.startsWith(stopped.choice.text)).toBe(true);
    const word = free.choice.text.trim().split(/\s+/)[1]!;
    const cut = await complete({ max_tokens: 30, stop: [word] });
    const heldPastWord = await complete({
      max_tokens: 30,
      stop: [word],
      min_tokens: cut.usage.completion_tokens + 4,
    });
    expect(heldPastWord.choice.text.length).toBeGreaterThan(cut.choice.text.length + word.length);
    const err = await badRequest(complete({ max_tokens: 5, min_tokens: 6 }));
    expect(err.param).toBe('min_tokens');
  });

  it('ignore_eos keeps generating after the end-of-generation token; skip_special_tokens false shows it', async () => {
    // A finished grammar allows only the end-of-generation token, so the model emits it right after "cat".
    const ended = await complete({ guided_choice: ['cat'], max_tokens: 12 });
    expect(ended.choice).toMatchObject({ text: 'cat', finish_reason: 'stop', stop_reason: null });
    expect(ended.usage.completion_tokens).toBeLessThan(12);
    const ignored = await complete({ guided_choice: ['cat'], max_tokens: 12, ignore_eos: true });
    expect(ignored.choice).toMatchObject({ text: 'cat', finish_reason: 'length' });
    expect(ignored.usage.completion_tokens).toBe(12);
    const shown = await complete({
      guided_choice: ['cat'],
      max_tokens: 12,
      ignore_eos: true,
      skip_special_tokens: false,
    });
    expect(shown.choice.text).toBe(`cat${'</s>'.repeat(12 - ended.usage.completion_tokens)}`);
  });

  it('stop_token_ids end the choice at that token, with its id as stop_reason', async () => {
    const free = await complete({ max_tokens: 20 });
    const tokens = await tokenize(free.choice.text);
    const stopAt = tokens[5]!;
    const stopped = await complete({ max_tokens: 20, stop_token_ids: [stopAt] });
    expect(stopped.choice.finish_reason).toBe('stop');
    expect(stopped.choice.stop_reason).toBe(stopAt);
    expect(stopped.usage.completion_tokens).toBeLessThan(free.usage.completion_tokens);
    expect(free.choice.text.startsWith(stopped.choice.text)).toBe(true);
    const kept = await complete({
      max_tokens: 20,
      stop_token_ids: [stopAt],
      include_stop_str_in_output: true,
    });
    expect(kept.choice.text.length).toBeGreaterThan(stopped.choice.text.length);
    expect(free.choice.text.startsWith(kept.choice.text)).toBe(true);
  });

  it('include_stop_str_in_output keeps the matched stop string, named in stop_reason', async () => {
    const free = await complete({ max_tokens: 30 });
    const word = free.choice.text.trim().split(/\s+/)[2]!;
    const cut = await complete({ max_tokens: 30, stop: [word] });
    expect(cut.choice.stop_reason).toBe(word);
    expect(cut.choice.text.endsWith(word)).toBe(false);
    const kept = await complete({ max_tokens: 30, stop: [word], include_stop_str_in_output: true });
    expect(kept.choice.text).toBe(cut.choice.text + word);
    expect(kept.choice.stop_reason).toBe(word);
  });

  it('repetition_penalty, top_k and min_p change sampling as vLLM defines them', async () => {
    const greedy = await complete({ max_tokens: 60 });
    const penalised = await complete({ max_tokens: 60, repetition_penalty: 2 });
    expect(penalised.choice.text).not.toBe(greedy.choice.text);
    const topOne = await complete({ max_tokens: 20, temperature: 2, top_k: 1, seed: 5 });
    expect(topOne.choice.text).toBe((await complete({ max_tokens: 20 })).choice.text);
    const minP = await complete({ max_tokens: 20, temperature: 2, min_p: 1, seed: 6 });
    expect(minP.choice.text).toBe(topOne.choice.text);
  });
});

describe('prompt_logprobs and echo', () => {
  it('prompt_logprobs has one entry per prompt token (first null), each holding that token', async () => {
    const tokens = await tokenize(PROMPT);
    const { res, usage } = await complete({ max_tokens: 2, prompt_logprobs: 3 });
    const list = (
      res.choices[0] as unknown as {
        prompt_logprobs: (Record<string, { logprob: number; rank: number }> | null)[];
      }
    ).prompt_logprobs;
    expect(list).toHaveLength(usage.prompt_tokens);
    expect(list[0]).toBeNull();
    const promptTokens = usage.prompt_tokens === tokens.length ? tokens : [1, ...tokens];
    for (const [i, entry] of list.slice(1).entries()) {
      const own = entry![String(promptTokens[i + 1])]!;
      expect(own.logprob).toBeLessThanOrEqual(0);
      expect(Object.keys(entry!).length).toBeLessThanOrEqual(4);
      expect(Object.values(entry!).some((e) => e.rank === 1)).toBe(true);
    }
    const reply = (await chat({ max_tokens: 2, prompt_logprobs: 0 })) as unknown as {
      prompt_logprobs: unknown[];
      usage: { prompt_tokens: number };
    };
    expect(reply.prompt_logprobs).toHaveLength(reply.usage.prompt_tokens);
    const streamed = await badRequest(
      client.completions.create({
        model: STORIES,
        prompt: PROMPT,
        stream: true,
        prompt_logprobs: 1,
      } as never),
    );
    expect(streamed.param).toBe('prompt_logprobs');
  });

  it('chat echo with continue_final_message prepends the assistant message it continues', async () => {
    const messages = [
      { role: 'user', content: 'Tell me a story.' },
      { role: 'assistant', content: 'Once upon a time, there was' },
    ];
    const base = { messages, max_tokens: 10, add_generation_prompt: false, continue_final_message: true };
    const plain = await chat(base);
    const echoed = await chat({ ...base, echo: true });
    expect(echoed.choices[0]!.message.role).toBe('assistant');
    expect(echoed.choices[0]!.message.content).toBe(
      `Once upon a time, there was${plain.choices[0]!.message.content}`,
    );
    const opened = await chat({ messages, max_tokens: 10 });
    expect(opened.usage!.prompt_tokens).toBeGreaterThan(plain.usage!.prompt_tokens);
    const both = await badRequest(chat({ ...base, add_generation_prompt: true }));
    expect(both.param).toBe('continue_final_message');
    const stream = await client.chat.completions.create({
      ...base,
      model: QWEN,
      temperature: 0,
      echo: true,
      stream: true,
    } as never);
    let text = '';
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(echoed.choices[0]!.message.content);
  });

  it('chat_template_kwargs reach the chat template', async () => {
    const without = await chat({ max_tokens: 1 }, KWARGS);
    const greeted = await chat(
      { max_tokens: 1, chat_template_kwargs: { greeting: 'Hello there, little one.' } },
      KWARGS,
    );
    const greeting = await tokenize('Hello there, little one.\n');
    expect(greeted.usage!.prompt_tokens - without.usage!.prompt_tokens).toBeGreaterThanOrEqual(
      greeting.length - 1,
    );
    const err = await badRequest(chat({ chat_template_kwargs: 'x' }, KWARGS));
    expect(err.param).toBe('chat_template_kwargs');
  });
});
