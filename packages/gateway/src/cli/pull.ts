/**
 * `switchyard pull <url|name>`: asks a gateway (local or remote, `--url`) to pull a model (`POST /api/pull`,
 * Ollama API docs, Pull a Model: https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model) and
 * shows its progress lines as a progress bar (bytes, rate, ETA) on stderr, as `ollama pull` does. The gateway
 * verifies the sha256 and keeps a cut download's bytes; a pull that is interrupted midway is asked for again
 * (`--retries` times), and the gateway resumes it where it stopped.
 */

import { ndjsonValues } from '@switchyard/wire';
import { Presets, SingleBar } from 'cli-progress';
import { type GatewayClientOptions, gatewayTarget, humanBytes } from './ollama-listing.js';

/** Options of `switchyard pull`. */
export interface PullOptions extends GatewayClientOptions {
  /** Times an interrupted pull is started again (resuming), default 3. */
  retries?: string;
}

/** One line of the gateway's answer. */
interface ProgressLine {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
  error?: string;
}

/** How one attempt ended. */
type Outcome = { ok: true } | { ok: false; message: string; retry: boolean };

/**
 * Runs the pull; exits 1 with the gateway's error when it fails for good (an HTTP error status, a checksum
 * mismatch, or interruptions beyond `--retries`).
 */
export async function pullCommand(model: string, options: PullOptions): Promise<void> {
  const retries = Number(options.retries ?? 3);
  if (!Number.isInteger(retries) || retries < 0)
    fail(`--retries must be a whole number, not '${options.retries}'`);
  for (let attempt = 0; ; attempt++) {
    const outcome = await pullOnce(model, options);
    if (outcome.ok) return;
    if (!outcome.retry || attempt >= retries) fail(outcome.message);
    process.stderr.write(`${outcome.message}\nresuming (retry ${attempt + 1} of ${retries})\n`);
  }
}

async function pullOnce(model: string, options: PullOptions): Promise<Outcome> {
  const target = gatewayTarget(options);
  let res: Response;
  try {
    res = await fetch(`${target.url}/api/pull`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
      },
      body: JSON.stringify({ model, stream: true }),
    });
  } catch (err) {
    return { ok: false, message: `cannot reach the gateway at ${target.url}: ${causeOf(err)}`, retry: false };
  }
  if (!res.ok || !res.body) {
    const text = await res.text();
    let message = text;
    try {
      message = String((JSON.parse(text) as ProgressLine).error ?? text);
    } catch {}
    return {
      ok: false,
      message: `${target.url}/api/pull answered ${res.status}: ${message}`,
      retry: res.status >= 500,
    };
  }
  const progress = new ProgressDisplay();
  try {
    for await (const value of ndjsonValues(res.body as AsyncIterable<Uint8Array>)) {
      const line = value as ProgressLine;
      if (line.error !== undefined) {
        progress.stop();
        return { ok: false, message: line.error, retry: !line.error.startsWith('digest mismatch') };
      }
      progress.show(line);
      if (line.status === 'success') {
        progress.stop();
        return { ok: true };
      }
    }
  } catch (err) {
    progress.stop();
    return { ok: false, message: `the gateway connection broke: ${causeOf(err)}`, retry: true };
  }
  progress.stop();
  return { ok: false, message: 'the gateway ended the pull without success', retry: true };
}

/** The progress bar of the file being downloaded, and the other statuses as lines, all on stderr. */
class ProgressDisplay {
  private bar: SingleBar | undefined;
  private digest: string | undefined;
  private started = 0;
  private startedAt = 0;

  show(line: ProgressLine): void {
    if (line.digest === undefined || line.total === undefined) {
      this.stop();
      process.stderr.write(`${line.status ?? ''}\n`);
      return;
    }
    const completed = line.completed ?? 0;
    if (this.digest !== line.digest) {
      this.stop();
      this.digest = line.digest;
      this.started = completed;
      this.startedAt = performance.now();
      this.bar = new SingleBar(
        {
          format: '{status} {bar} {percentage}% | {done}/{size} | {rate} | ETA {eta_formatted}',
          stream: process.stderr,
          hideCursor: true,
          noTTYOutput: true,
          notTTYSchedule: 1000,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      );
      this.bar.start(line.total, completed, this.payload(line, completed));
      return;
    }
    this.bar?.update(completed, this.payload(line, completed));
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.digest = undefined;
  }

  private payload(line: ProgressLine, completed: number): Record<string, string> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? (completed - this.started) / seconds : 0;
    return {
      status: line.status ?? '',
      done: humanBytes(completed),
      size: humanBytes(line.total ?? 0),
      rate: `${humanBytes(Math.round(rate))}/s`,
    };
  }
}

function causeOf(err: unknown): string {
  const cause = (err as Error).cause;
  return cause instanceof Error ? cause.message : String(cause ?? (err as Error).message);
}

function fail(message: string): never {
  process.stderr.write(`switchyard: ${message}\n`);
  process.exit(1);
}
