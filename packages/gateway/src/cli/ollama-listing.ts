/**
 * `switchyard list` and `switchyard ps`: a gateway's `/api/tags` and `/api/ps` (Ollama API docs, List Local
 * Models and List Running Models: https://github.com/ollama/ollama/blob/main/docs/api.md) as the terminal tables
 * `ollama list` and `ollama ps` print, from a local or remote gateway (`--url`).
 */
import type { OllamaModel, OllamaRunningModel } from '@switchyard/wire';
import { renderTable } from './table.js';

/** Options of both commands. */
export interface GatewayClientOptions {
  /** Gateway base URL (default env `SWITCHYARD_URL`, else `http://127.0.0.1:4000`). */
  url?: string;
  /** Sent as `Authorization: Bearer` (default env `SWITCHYARD_API_KEY`). */
  apiKey?: string;
}

/** `switchyard list`: NAME, ID (first 12 digest characters), SIZE, MODIFIED. Exits 1 when the gateway fails. */
export async function listCommand(options: GatewayClientOptions): Promise<void> {
  const { models } = (await getJson(options, '/api/tags')) as { models: OllamaModel[] };
  const now = Date.now();
  const rows = models.map((m) => [
    m.name,
    m.digest.slice(0, 12),
    humanBytes(m.size),
    ago(m.modified_at, now),
  ]);
  process.stdout.write(`${renderTable(['NAME', 'ID', 'SIZE', 'MODIFIED'], rows)}\n`);
}

/** `switchyard ps`: NAME, ID, SIZE, PROCESSOR, UNTIL for the loaded models. Exits 1 when the gateway fails. */
export async function psCommand(options: GatewayClientOptions): Promise<void> {
  const { models } = (await getJson(options, '/api/ps')) as { models: OllamaRunningModel[] };
  const now = Date.now();
  const rows = models.map((m) => [
    m.name,
    m.digest.slice(0, 12),
    humanBytes(m.size),
    m.size_vram > 0 ? `${Math.round((100 * m.size_vram) / Math.max(1, m.size))}% GPU` : '100% CPU',
    until(m.expires_at, now),
  ]);
  process.stdout.write(`${renderTable(['NAME', 'ID', 'SIZE', 'PROCESSOR', 'UNTIL'], rows)}\n`);
}

/** The gateway base URL and key the commands use. */
export function gatewayTarget(options: GatewayClientOptions): { url: string; apiKey?: string } {
  const url = (options.url ?? process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const apiKey = options.apiKey ?? process.env.SWITCHYARD_API_KEY;
  return apiKey ? { url, apiKey } : { url };
}

async function getJson(options: GatewayClientOptions, path: string): Promise<unknown> {
  const target = gatewayTarget(options);
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
    });
  } catch (err) {
    fail(`cannot reach the gateway at ${target.url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail(`${target.url}${path} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const error = (body as { error?: unknown }).error;
    fail(
      `${target.url}${path} answered ${res.status}: ${typeof error === 'string' ? error : JSON.stringify(error)}`,
    );
  }
  return body;
}

function fail(message: string): never {
  process.stderr.write(`switchyard: ${message}\n`);
  process.exit(1);
}

/** Bytes in decimal units as Ollama prints them (format.HumanBytes: `1.2 MB`, `4.7 GB`). */
export function humanBytes(bytes: number): string {
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} B`;
}

function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return seconds < 60 ? 'Less than a minute ago' : `${span(seconds)} ago`;
}

/** `Forever` beyond 100 years, as `ollama ps` shows a model kept loaded for good. */
function until(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (seconds > 100 * 365 * 86_400) return 'Forever';
  return seconds <= 0 ? 'Stopping...' : `${span(seconds)} from now`;
}

function span(seconds: number): string {
  const steps: [number, string][] = [
    [86_400 * 365, 'year'],
    [86_400 * 30, 'month'],
    [86_400 * 7, 'week'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of steps) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}
