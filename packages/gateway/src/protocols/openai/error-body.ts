/**
 * Upstream error bodies in any provider's dialect, normalized into the OpenAI error envelope
 * (OpenAI error codes guide: https://platform.openai.com/docs/guides/error-codes).
 */
import { errorTypeForStatus, readErrorBody } from '@switchyard/wire';
import type { OpenAIErrorBody } from '../../core/errors.js';
import { toOpenAIErrorKind } from './error-types.js';

/**
 * Normalizes any upstream error body into the OpenAI envelope, in every dialect `readErrorBody` of
 * `@switchyard/wire` reads (OpenAI, vLLM's older flat body, Ollama's `{"error": "..."}`, Anthropic's
 * `{"type":"error","error":{"type","message"}}`, Gemini's `{"error":{"code","message","status"}}`, FastAPI's
 * `{"detail": ...}`), with the provider's own error kind mapped onto OpenAI's types
 * (`toOpenAIErrorKind`). Falls back to the raw text (truncated to 1,000 characters) when the body
 * is in none of them.
 */
export function normalizeErrorBody(status: number, raw: string): OpenAIErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    const text = raw.trim().slice(0, 1000);
    return { error: fallback(text || `upstream returned HTTP ${status}`, status) };
  }
  const read = readErrorBody(status, parsed);
  if (!read) return { error: fallback(raw.slice(0, 1000), status) };
  if (read.type === errorTypeForStatus(status)) return { error: read };
  const mapped = toOpenAIErrorKind(status, read.type, read.message);
  return { error: { ...read, type: mapped.type, message: mapped.message } };
}

function fallback(message: string, status: number) {
  return { message, type: errorTypeForStatus(status), param: null, code: null };
}
