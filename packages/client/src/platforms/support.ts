/**
 * Which platform serves which client member: the one table behind the compile-time shape of a client (a member a
 * platform lacks is absent from its type), the run-time `UnsupportedPlatformError`, and the README's support table.
 * Keys are member paths of `OpenAICompatibleClient`: a namespace (`tokenizer`) when all its methods go together,
 * else a method (`models.pull`).
 */
import type { Platform } from './names.js';

const ALL = ['vllm', 'ollama', 'openai', 'switchyard'] as const;
/** vLLM's own routes, served by vLLM and by a Switchyard gateway. */
const VLLM_ROUTES = ['vllm', 'switchyard'] as const;
const OLLAMA = ['ollama'] as const;

/** Member path → platforms that serve it. */
export const PLATFORM_SUPPORT = {
  'chat.completions.create': ALL,
  'completions.create': ALL,
  'embeddings.create': ALL,
  responses: ALL,
  'embeddings.legacy': OLLAMA,
  'models.list': ALL,
  'models.retrieve': ALL,
  'models.create': OLLAMA,
  'models.info': OLLAMA,
  'models.copy': OLLAMA,
  'models.delete': OLLAMA,
  'models.pull': OLLAMA,
  'models.push': OLLAMA,
  'models.running': OLLAMA,
  blobs: OLLAMA,
  tokenizer: VLLM_ROUTES,
  pooling: VLLM_ROUTES,
  classification: VLLM_ROUTES,
  score: VLLM_ROUTES,
  rerank: VLLM_ROUTES,
  audio: ['vllm', 'openai', 'switchyard'],
  version: ['vllm', 'ollama', 'switchyard'],
  health: ['vllm', 'ollama', 'switchyard'],
  healthProviders: ['switchyard'],
} as const satisfies Record<string, readonly Platform[]>;

/** A member path of the support table. */
export type SupportedMember = keyof typeof PLATFORM_SUPPORT;

/** The platforms serving member `M`. */
export type PlatformsOf<M extends SupportedMember> = (typeof PLATFORM_SUPPORT)[M][number];

/**
 * True when every platform in `P` serves `M` (not distributive: a client typed for several platforms has only
 * what all of them serve).
 */
export type Serves<P extends Platform, M extends SupportedMember> = [P] extends [PlatformsOf<M>]
  ? true
  : false;

/** The keys of `T` that platform(s) `P` serve, looked up as `${prefix}${key}` in the table. */
export type ServedPart<P extends Platform, T, Prefix extends string = ''> = {
  [K in keyof T as `${Prefix}${K & string}` extends SupportedMember
    ? Serves<P, `${Prefix}${K & string}` & SupportedMember> extends true
      ? K
      : never
    : K]: T[K];
};

/** True when `platform` serves `member`. */
export function serves(platform: Platform, member: SupportedMember): boolean {
  return (PLATFORM_SUPPORT[member] as readonly Platform[]).includes(platform);
}
