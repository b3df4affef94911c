/**
 * Drives wrk (Debian package `wrk`, 4.1) with `bench/wrk/chat.lua` and parses the JSON line that script's
 * `done()` prints. wrk runs one thread, pinned with taskset to the load-generator core.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../wrk/chat.lua', import.meta.url));

/** One wrk run against one URL. */
export interface WrkOptions {
  url: string;
  /** Open connections (each sends the next request when the previous response completes). */
  connections: number;
  /** Seconds; wrk accepts whole seconds only, so fractions are rounded up to 1. */
  durationS: number;
  /** JSON request body. */
  body: string;
  /** Extra request headers (target-specific, e.g. Portkey's routing headers). */
  headers: Record<string, string>;
  /** Core the load generator runs on (taskset). */
  core: number;
  /** Response header whose numeric values to collect (Switchyard's overhead), when set. */
  collectHeader?: string;
}

/** What one run measured. Latencies in ms, throughput in requests per second. */
export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  /** Failed requests: socket errors, timeouts and non-2xx/3xx statuses. */
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Values of `collectHeader`, in the header's own unit, one per response (empty when not collected). */
  headerSamples: number[];
}

interface RawWrk {
  requests: number;
  durationUs: number;
  errors: Record<'connect' | 'read' | 'write' | 'status' | 'timeout', number>;
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
  overheadMs: number[];
}

/**
 * Parses the `WRK_RESULT {...}` line printed by chat.lua into a {@link WrkResult}.
 * @throws Error when the output has no such line
 */
export function parseWrkOutput(stdout: string): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
  if (!line) throw new Error(`wrk printed no result line:\n${stdout}`);
  const raw = JSON.parse(line.slice('WRK_RESULT '.length)) as RawWrk;
  const us = raw.latencyUs;
  const e = raw.errors;
  return {
    requests: raw.requests,
    requestsPerSecond: raw.requests / (raw.durationUs / 1e6),
    errors: e.connect + e.read + e.write + e.status + e.timeout,
    latencyMs: {
      p50: us.p50 / 1e3,
      p90: us.p90 / 1e3,
      p99: us.p99 / 1e3,
      max: us.max / 1e3,
      mean: us.mean / 1e3,
    },
    headerSamples: raw.overheadMs,
  };
}

/**
 * Runs wrk once.
 * @throws Error when wrk is missing or fails
 */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    '-c',
    String(options.core),
    'wrk',
    '-t1',
    `-c${options.connections}`,
    `-d${Math.max(1, Math.ceil(options.durationS))}s`,
    '--timeout',
    '10s',
    '-s',
    SCRIPT,
  ];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_BODY: options.body };
  if (options.collectHeader) env.BENCH_OVERHEAD_HEADER = options.collectHeader;
  const { stdout } = await run('taskset', args, { env, maxBuffer: 64 * 1024 * 1024 });
  return parseWrkOutput(stdout);
}
