/**
 * `switchyard reload`: asks a running gateway to reload its config file (`POST /-/reload`, the same as
 * sending it SIGHUP) and prints the outcome; a refused file's errors go to stderr and the exit status is 1.
 */
import { type GatewayClientOptions, gatewayTarget } from './ollama-listing.js';

/** Prints `config reloaded: generation N (FILE)` and any fields that need a restart. */
export async function reloadCommand(options: GatewayClientOptions): Promise<void> {
  const target = gatewayTarget(options);
  let res: Response;
  try {
    res = await fetch(`${target.url}/-/reload`, {
      method: 'POST',
      headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
    });
  } catch (err) {
    fail(`cannot reach the gateway at ${target.url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as {
    generation?: number;
    file?: string;
    last_reload?: { restart_required: string[] };
    error?: { message?: string };
  };
  if (!res.ok) fail(body.error?.message ?? `the gateway answered ${res.status}`);
  process.stdout.write(`config reloaded: generation ${body.generation} (${body.file})\n`);
  const restart = body.last_reload?.restart_required ?? [];
  if (restart.length > 0)
    process.stdout.write(`changed, applied at the next restart: ${restart.join(', ')}\n`);
}

function fail(message: string): never {
  process.stderr.write(`switchyard: ${message}\n`);
  process.exit(1);
}
