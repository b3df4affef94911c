/** Base URL helpers: servers put their OpenAI routes under `/v1` and their own routes at the root. */

/** The URL without trailing slashes. */
export function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The server root: the URL without a trailing `/v1`. */
export function rootURL(url: string): string {
  return trimSlashes(url).replace(/\/v1$/, '');
}

/** The OpenAI base: the URL with `/v1` appended unless it already ends in `/v1`. */
export function openaiBaseURL(url: string): string {
  const trimmed = trimSlashes(url);
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}
