/**
 * An Ollama `/api/generate` request as a canonical request (Ollama API docs, Generate a completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion). Ollama applies the model's
 * template to `prompt` (and `system`, `images`) unless `raw` is set; the gateway's equal is a chat completion of
 * one user turn, and a raw prompt (or one with `suffix`, a fill-in-the-middle request) is a text completion.
 */
import { invalidParam } from '../../core/errors.js';
import { imageDataUrl, logprobFields } from './chat-to-openai.js';
import { ollamaKnobsToOpenAI } from './options-to-openai.js';

/** The canonical request for one generate call. */
export interface GenerateRequest {
  /** The gateway endpoint that serves it. */
  endpoint: 'chat.completions' | 'completions';
  body: Record<string, unknown>;
}

/**
 * Maps the body. `context` (token ids of an earlier answer) is only accepted empty: the gateway's answers carry
 * none to send back. `template` (a Go template for Ollama's runner) has no equal on other engines.
 * @param model the model id the client asked for
 * @throws GatewayError 400 naming the field for a non-empty `context`, a `template`, or wrong-typed fields
 */
export function ollamaGenerateToOpenAI(body: Record<string, unknown>, model: string): GenerateRequest {
  if (Array.isArray(body.context) && body.context.length > 0) {
    throw invalidParam(
      'context',
      "'context' token ids cannot be continued here; send the conversation to /api/chat",
    );
  }
  if (typeof body.template === 'string' && body.template !== '') {
    throw invalidParam(
      'template',
      "'template' (an Ollama Go template) is only honoured by an ollama provider",
    );
  }
  const stream = body.stream !== false;
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  const common = {
    model,
    ...ollamaKnobsToOpenAI(body),
    ...logprobFields(body),
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  };
  const suffix = typeof body.suffix === 'string' && body.suffix !== '' ? body.suffix : undefined;
  if (body.raw === true || suffix !== undefined) {
    return { endpoint: 'completions', body: { ...common, prompt, ...(suffix ? { suffix } : {}) } };
  }
  const images = Array.isArray(body.images) ? body.images : [];
  const user =
    images.length === 0
      ? { role: 'user', content: prompt }
      : {
          role: 'user',
          content: [
            ...(prompt === '' ? [] : [{ type: 'text', text: prompt }]),
            ...images.map((image, j) => ({
              type: 'image_url',
              image_url: { url: imageDataUrl(image, `images[${j}]`) },
            })),
          ],
        };
  const system =
    typeof body.system === 'string' && body.system !== '' ? [{ role: 'system', content: body.system }] : [];
  return { endpoint: 'chat.completions', body: { ...common, messages: [...system, user] } };
}
