/**
 * Gemini `GenerateContentResponse` → OpenAI `chat.completion` (Gemini API reference, GenerateContentResponse:
 * https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse), plus the finish-reason, usage and part
 * mappings the stream translation shares.
 */
import type {
  ChatCompletion,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { UpstreamError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { FinishReason } from '../../protocols/openai/chat-chunks.js';
import type { ThoughtSignatures } from './thought-signatures.js';

/** A response `Part` as far as the gateway reads it. */
export interface GeminiResponsePart {
  text?: string;
  thought?: boolean;
  functionCall?: { name?: string; args?: unknown; id?: string };
  thoughtSignature?: string;
}

/** A `Candidate` (Gemini API reference, GenerateContentResponse). */
export interface GeminiCandidate {
  index?: number;
  finishReason?: string;
  content?: { role?: string; parts?: GeminiResponsePart[] };
}

/** `usageMetadata` (Gemini API reference, GenerateContentResponse). */
export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
}

/**
 * A `GenerateContentResponse` (Gemini API reference, GenerateContentResponse); in a stream, also an `error` object
 * (Gemini API reference, streamGenerateContent:
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
 */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsage;
  responseId?: string;
  error?: unknown;
}

/**
 * The finish reasons that mean "blocked" (Gemini API reference, GenerateContentResponse table); all other reasons map
 * to `stop`.
 */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * `finishReason` (Gemini API reference, GenerateContentResponse) → `finish_reason`: STOP with a function call →
 * `tool_calls` (Gemini still says STOP); MAX_TOKENS → `length`; safety-type reasons → `content_filter`; everything
 * else → `stop`.
 */
export function finishReason(reason: string | undefined, hadFunctionCall: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return hadFunctionCall ? 'tool_calls' : 'stop';
}

/**
 * Usage (Gemini API reference, GenerateContentResponse): completion = candidates + thoughts; `reasoning_tokens` =
 * thoughts; `cached_tokens` = cachedContentTokenCount; total = totalTokenCount.
 */
export function openAIUsage(usage: GeminiUsage): CompletionUsage {
  const prompt = usage.promptTokenCount ?? 0;
  const thoughts = usage.thoughtsTokenCount ?? 0;
  const completion = (usage.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: usage.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}

/**
 * A `functionCall` part as an OpenAI tool call. Gemini usually sends no id (Gemini API reference,
 * GenerateContentResponse), so one is made up (`call_…`); a `thoughtSignature` is remembered under that id for the
 * next request (Gemini API docs, Thought signatures: https://ai.google.dev/gemini-api/docs/thought-signatures).
 */
export function toolCallFromPart(
  call: NonNullable<GeminiResponsePart['functionCall']>,
  part: GeminiResponsePart,
  signatures: ThoughtSignatures,
): ChatCompletionMessageFunctionToolCall {
  const id = call.id ?? newId('call_');
  if (part.thoughtSignature) signatures.remember(id, part.thoughtSignature);
  return {
    id,
    type: 'function',
    function: { name: call.name ?? '', arguments: JSON.stringify(call.args ?? {}) },
  };
}

/**
 * Builds the OpenAI chat completion: one choice per candidate; text parts joined into `content`, `thought`
 * parts into the non-standard `reasoning_content`, `functionCall` parts into `tool_calls`. A blocked prompt
 * (no candidates, `promptFeedback.blockReason`) gives one empty choice with `finish_reason: content_filter`.
 * @param response the upstream JSON
 * @param model the model id the client asked for
 * @param created Unix seconds
 * @throws UpstreamError 502 when the body has neither candidates nor a block reason
 */
export function fromGeminiResponse(
  response: unknown,
  model: string,
  created: number,
  signatures: ThoughtSignatures,
): ChatCompletion {
  const res = response as GeminiResponse;
  const candidates = res?.candidates ?? [];
  if (candidates.length === 0 && !res?.promptFeedback?.blockReason) {
    throw new UpstreamError(502, 'Gemini returned a response without candidates', { failure: 'protocol' });
  }
  const choices: ChatCompletion['choices'] =
    candidates.length === 0
      ? [
          {
            index: 0,
            message: { role: 'assistant', content: null, refusal: null },
            logprobs: null,
            finish_reason: 'content_filter',
          },
        ]
      : candidates.map((candidate, i) => {
          const parts = candidate.content?.parts ?? [];
          const text = parts.filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text);
          const thoughts = parts.filter((p) => typeof p.text === 'string' && p.thought).map((p) => p.text);
          const toolCalls = parts.flatMap((p) =>
            p.functionCall ? [toolCallFromPart(p.functionCall, p, signatures)] : [],
          );
          return {
            index: candidate.index ?? i,
            message: {
              role: 'assistant',
              content: text.length > 0 ? text.join('') : null,
              refusal: null,
              ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
              ...(thoughts.length > 0 ? { reasoning_content: thoughts.join('') } : {}),
            },
            logprobs: null,
            finish_reason: finishReason(candidate.finishReason, toolCalls.length > 0),
          };
        });
  return {
    id: res.responseId ?? newId('chatcmpl-'),
    object: 'chat.completion',
    created,
    model,
    choices,
    usage: openAIUsage(res.usageMetadata ?? {}),
  };
}
