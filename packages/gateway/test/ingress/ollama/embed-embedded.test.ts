/**
 * End to end: the unmodified `ollama` npm package → a real `switchyard serve` process → `/api/embed` and the
 * legacy `/api/embeddings` → the embedded engine (mean-pooled 64-dimensional vectors of stories260K).
 */
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

const STORIES = 'stories260K';

let gateway: GatewayProcess;
let ollama: Ollama;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
  });
  ollama = new Ollama({ host: gateway.url });
});

afterAll(async () => {
  await gateway?.stop();
});

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('ollama.embed()', () => {
  it('embeds a string: one unit-length vector, prompt_eval_count and total_duration in ns', async () => {
    const answer = await ollama.embed({ model: STORIES, input: 'The cat sat.', truncate: true });
    expect(answer.model).toBe(STORIES);
    expect(answer.embeddings).toHaveLength(1);
    expect(answer.embeddings[0]).toHaveLength(64);
    expect(norm(answer.embeddings[0]!)).toBeCloseTo(1, 5);
    expect(answer.prompt_eval_count).toBeGreaterThan(2);
    expect(Number.isInteger(answer.total_duration)).toBe(true);
    expect(answer.total_duration).toBeGreaterThan(0);
  });

  it('embeds a list in order: the same vector as each string alone', async () => {
    const inputs = ['The cat sat.', 'A dog ran far away.'];
    const both = await ollama.embed({ model: STORIES, input: inputs, dimensions: 64 });
    expect(both.embeddings).toHaveLength(2);
    const second = await ollama.embed({ model: STORIES, input: inputs[1]! });
    for (const [i, x] of second.embeddings[0]!.entries()) expect(both.embeddings[1]![i]).toBeCloseTo(x, 5);
    expect(both.embeddings[0]).not.toEqual(both.embeddings[1]);
  });

  it('answers 400 {error} for dimensions the model cannot give and for an empty list; 404 for an unknown model', async () => {
    const dims = (await ollama
      .embed({ model: STORIES, input: 'x', dimensions: 32 })
      .catch((e: unknown) => e)) as { status_code: number; error: string };
    expect(dims.status_code).toBe(400);
    expect(dims.error).toContain('dimensions');
    const empty = await fetch(`${gateway.url}/api/embed`, {
      method: 'POST',
      body: JSON.stringify({ model: STORIES, input: [] }),
    });
    expect(empty.status).toBe(400);
    expect(Object.keys((await empty.json()) as object)).toEqual(['error']);
    const unknown = (await ollama.embed({ model: 'nope', input: 'x' }).catch((e: unknown) => e)) as {
      status_code: number;
      error: string;
    };
    expect(unknown).toMatchObject({ status_code: 404, error: "model 'nope' not found" });
  });
});

describe('ollama.embeddings() (legacy)', () => {
  it('answers {embedding} for one prompt, the same vector /api/embed gives', async () => {
    const legacy = await ollama.embeddings({ model: STORIES, prompt: 'The cat sat.' });
    const embed = await ollama.embed({ model: STORIES, input: 'The cat sat.' });
    expect(Object.keys(legacy)).toEqual(['embedding']);
    expect(legacy.embedding).toHaveLength(64);
    for (const [i, x] of embed.embeddings[0]!.entries()) expect(legacy.embedding[i]).toBeCloseTo(x, 5);
  });
});
