import { z } from 'zod';
import { baseProviderFields } from '../definition.js';
import { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatibleType } from './presets.js';

const types = Object.keys(OPENAI_COMPATIBLE_PRESETS) as [OpenAICompatibleType, ...OpenAICompatibleType[]];

/** `providers.<id>` settings for OpenAI-compatible upstreams and their presets. */
export const OpenAICompatibleConfigSchema = z
  .strictObject({
    type: z.enum(types),
    ...baseProviderFields,
    /** Base URL including the API prefix, e.g. `http://10.0.0.5:8000/v1`. Required for self-hosted types. */
    base_url: z.url({ protocol: /^https?$/ }).optional(),
    /** Sent upstream as `Authorization: Bearer <api_key>`. The client's own key is never forwarded. */
    api_key: z.string().optional(),
    /** Verify the upstream's TLS certificate. Default true. */
    tls_verify: z.boolean().default(true),
    /** Keep-alive connections per upstream origin. Default 128. */
    max_connections: z.number().int().positive().default(128),
    /**
     * The upstream implements OpenAI's Responses API (`POST {base_url}/responses`): `/v1/responses` requests are
     * passed through untouched instead of translated to chat completions. Default true for `openai`, else false.
     */
    native_responses: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    const preset = OPENAI_COMPATIBLE_PRESETS[value.type];
    if (!value.base_url && !('baseUrl' in preset)) {
      ctx.addIssue({
        code: 'custom',
        path: ['base_url'],
        message: `base_url is required for type '${value.type}' (self-hosted)`,
      });
    }
  });

export type OpenAICompatibleConfig = z.infer<typeof OpenAICompatibleConfigSchema>;
