import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Largest SSE event (or unterminated line) accepted from an upstream, in characters: 16 Mi. */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** Raised when an upstream SSE stream cannot be decoded (an event larger than {@link MAX_EVENT_CHARS}). */
export class SseDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SseDecodeError';
  }
}

/**
 * Decodes an upstream `text/event-stream` body into events with `eventsource-parser` (WHATWG rules: `\n`,
 * `\r` and `\r\n` line ends, multi-line `data:`, comments ignored). Bytes may arrive split anywhere, even
 * inside a UTF-8 character. An event whose terminating blank line never came (the stream ended right after
 * its last line) is still delivered, because Gemini's streams have no terminator (Gemini API
 * reference, streamGenerateContent: https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
 * @param body the upstream response body
 * @yields one message per event: `event` (undefined when no `event:` line), `data`
 * @throws SseDecodeError when one event exceeds 16 Mi characters
 */
export async function* decodeSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage> {
  const decoder = new TextDecoder();
  const ready: EventSourceMessage[] = [];
  let failure: string | undefined;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (event) => ready.push(event),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') failure = error.message;
    },
  });
  const drain = function* () {
    if (failure !== undefined) throw new SseDecodeError(`upstream event stream is invalid: ${failure}`);
    while (ready.length > 0) yield ready.shift()!;
  };
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    yield* drain();
  }
  parser.feed(`${decoder.decode()}\n\n`);
  yield* drain();
}

/**
 * The JSON object carried in an event's `data` (each Anthropic and Gemini stream event holds one,
 * Anthropic API reference, Streaming Messages: https://docs.anthropic.com/en/api/messages-streaming; Gemini API
 * reference, streamGenerateContent: https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
 * @returns undefined when `data` is not JSON or not a JSON object
 */
export function eventObject(data: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(data) as unknown;
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return undefined;
}
