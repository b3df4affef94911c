/**
 * What `type: gemini` does with each OpenAI request field (Gemini API reference, Generating content:
 * https://ai.google.dev/api/generate-content). The provider enforces exactly this (providers/param-policy.ts) and
 * docs/providers.md is rendered from it. Legacy completions run through the chat mapping
 * (providers/completions-over-chat.ts).
 */
import { defineCapabilities, entriesOf } from '../capabilities.js';

const chat = entriesOf('chat.completions');
const legacy = entriesOf('completions');
const sampling = [
  'model',
  'max_tokens (generationConfig.maxOutputTokens)',
  'temperature (generationConfig)',
  'top_p (generationConfig.topP)',
  'top_k (generationConfig.topK)',
  'stop (generationConfig.stopSequences)',
  'n (generationConfig.candidateCount)',
  'seed (generationConfig)',
  'presence_penalty (generationConfig.presencePenalty)',
  'frequency_penalty (generationConfig.frequencyPenalty)',
  'stream (streamGenerateContent?alt=sse)',
];

/** Value-level limits, named by the request mapping when it meets them. */
export const GEMINI_UNSUPPORTED = {
  strict: 'chat.completions:tools (strict: Gemini has no strict function schemas)',
  toolChoiceKind: 'chat.completions:tool_choice (allowed_tools, custom)',
  remoteImage: 'chat.completions:messages (http(s) image URLs: the gateway does not download them)',
  part: 'chat.completions:messages (file content parts)',
  tokenInput: 'embeddings:input (token arrays)',
  tokenPrompt: 'completions:prompt (token arrays)',
} as const;

/** Capability data of the Gemini generateContent adapter. */
export const GEMINI_CAPABILITIES = defineCapabilities('gemini', {
  endpoints: ['chat.completions', 'completions', 'embeddings'],
  passthrough: [],
  translated: [
    ...chat(
      ...sampling,
      'messages (systemInstruction, user/model contents, functionResponse by name)',
      'max_completion_tokens (generationConfig.maxOutputTokens)',
      'response_format (responseMimeType, responseJsonSchema)',
      'tools (functionDeclarations with parametersJsonSchema)',
      'tool_choice (toolConfig.functionCallingConfig)',
    ),
    ...legacy(...sampling),
    'embeddings:model',
    'embeddings:input (embedContent, batchEmbedContents)',
    'embeddings:dimensions (outputDimensionality)',
  ],
  emulated: [
    ...chat('stream_options (usage chunk from usageMetadata)'),
    ...legacy('prompt (one user turn per prompt)', 'stream_options'),
    'embeddings:encoding_format (base64 encoded by the gateway)',
  ],
  unsupportedValues: Object.values(GEMINI_UNSUPPORTED),
});
