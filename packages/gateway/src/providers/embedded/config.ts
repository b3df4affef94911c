import { z } from 'zod';
import { baseProviderFields } from '../definition.js';

/** One explicitly configured GGUF model under `providers.<id>.models`. */
export const EmbeddedModelSchema = z.strictObject({
  /** Model id served by the gateway (and the upstream name deployments refer to). */
  id: z.string().min(1),
  /** Path to the `.gguf` file; relative paths resolve against the config file's directory. */
  path: z.string().min(1),
  /**
   * Jinja chat template (Hugging Face format) used instead of the GGUF's `tokenizer.chat_template`.
   * Rendered with `messages`, `tools`, `add_generation_prompt`, `bos_token`, `eos_token`.
   */
  chat_template: z.string().min(1).optional(),
});

/**
 * `providers.<id>` settings for `type: embedded`: GGUF models run in-process by node-llama-cpp.
 * Either `models_dir` (every `*.gguf` in it is a model, id = file name without `.gguf`), explicit `models`,
 * or both (an explicit entry wins over a discovered file with the same id).
 */
export const EmbeddedConfigSchema = z
  .strictObject({
    type: z.literal('embedded'),
    ...baseProviderFields,
    /** Directory scanned for `*.gguf` files (not recursive); relative to the config file's directory. */
    models_dir: z.string().min(1).optional(),
    models: z.array(EmbeddedModelSchema).default([]),
    /**
     * Base URL that `POST /api/pull` looks names up under: `<pull_registry>/<name>.gguf`, its sha256 in
     * `<name>.gguf.sha256` beside it (or the `Repr-Digest` / `X-Linked-Etag` header). Pulls by URL need none.
     */
    pull_registry: z.url({ protocol: /^https?$/ }).optional(),
    /**
     * Context length per sequence, in tokens. Default: the length the model was trained with
     * (GGUF `<arch>.context_length`). A prompt must be shorter than this.
     */
    context_size: z.number().int().positive().optional(),
    /** Sequences (concurrent generations) per loaded model; further requests queue. Default 4. */
    parallel: z.number().int().positive().max(64).default(4),
    /** CPU threads per context. Default 1 (more threads contend badly on small shared machines). */
    threads: z.number().int().positive().default(1),
  })
  .superRefine((value, ctx) => {
    if (!value.models_dir && value.models.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['models_dir'],
        message: "type 'embedded' needs models_dir or a non-empty models list",
      });
    }
  });

export type EmbeddedConfig = z.infer<typeof EmbeddedConfigSchema>;
