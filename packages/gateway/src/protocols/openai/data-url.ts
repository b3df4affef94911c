/**
 * `data:` URLs as OpenAI clients send images (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create), e.g. `data:image/png;base64,…`.
 */

/** The media type and base64 payload of a data URL. */
export interface DataUrl {
  mimeType: string;
  /** Standard base64, as it appeared in the URL. */
  data: string;
}

/**
 * Parses a base64 `data:` URL (RFC 2397).
 * @returns undefined for anything else (http(s) URLs, non-base64 data URLs)
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  if (!match) return undefined;
  return { mimeType: match[1]!.toLowerCase(), data: match[3]! };
}
