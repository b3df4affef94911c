/**
 * What `type: anthropic` does with each OpenAI request field (Anthropic API reference, Messages:
 * https://docs.anthropic.com/en/api/messages). The provider enforces exactly this (providers/param-policy.ts) and
 * docs/providers.md is rendered from it. Legacy completions run through the chat mapping
 * (providers/completions-over-chat.ts), so their shared fields behave as in chat.
 */
import { defineCapabilities, entriesOf } from '../capabilities.js';

const chat = entriesOf('chat.completions');
const legacy = entriesOf('completions');

/** Value-level limits, named by the request mapping when it meets them. */
export const ANTHROPIC_UNSUPPORTED = {
  jsonObject: 'chat.completions:response_format (json_object: Anthropic has no JSON mode)',
  toolChoiceKind: 'chat.completions:tool_choice (allowed_tools, custom)',
  effortNone: 'chat.completions:reasoning_effort (none, minimal)',
  part: 'chat.completions:messages (input_audio and file content parts)',
  imageType: 'chat.completions:messages (images other than jpeg, png, gif, webp)',
  tokenPrompt: 'completions:prompt (token arrays)',
} as const;

/** Capability data of the Anthropic Messages adapter. */
export const ANTHROPIC_CAPABILITIES = defineCapabilities('anthropic', {
  endpoints: ['chat.completions', 'completions'],
  passthrough: [
    ...chat('temperature (range 0..1 checked)', 'top_p', 'top_k', 'thinking'),
    ...legacy('temperature (range 0..1 checked)', 'top_p', 'top_k'),
  ],
  translated: [
    ...chat(
      'model',
      'messages (system hoisted, tool results as tool_result blocks)',
      'max_tokens (required upstream: model or provider default_max_tokens when absent)',
      'max_completion_tokens',
      'stop (stop_sequences)',
      'tools (input_schema)',
      'tool_choice',
      'parallel_tool_calls (disable_parallel_tool_use)',
      'response_format (json_schema: output_config.format)',
      'reasoning_effort (output_config.effort)',
      'user (metadata.user_id)',
      'safety_identifier (metadata.user_id, preferred over user)',
      'service_tier (service_tier: auto → auto, default → standard_only; other tiers not sent)',
      'stream',
    ),
    ...legacy('model', 'max_tokens', 'stop', 'user', 'stream'),
  ],
  emulated: [
    ...chat('stream_options (usage chunk from message_start and message_delta)'),
    ...legacy('prompt (one user turn per prompt)', 'n (one upstream call per choice)', 'stream_options'),
  ],
  unsupportedValues: Object.values(ANTHROPIC_UNSUPPORTED),
});
