/**
 * Memory after stream waves (`npm run soak:waves [-- --waves 5 --streams 1000]`): a real gateway process in
 * front of a fake upstream serves `--waves` waves of `--streams` concurrent streamed chat completions.
 * Two passes, each with a fresh gateway process: the first reads the gateway's RSS two seconds after each
 * wave; the second also sends it SIGUSR2 after each wave, so it writes a V8 heap snapshot (Node's
 * `--heapsnapshot-signal`, which runs a full garbage collection first), and sums the live heap from it.
 * Writing a snapshot inflates RSS for good, hence the separate passes. Asserts: every stream succeeded, the
 * live heap after the last wave is within 10% of the heap after the second, and RSS after the last wave
 * within 10% of RSS after the third: a leak grows with every wave, a heap that has reached its size for the
 * load does not.
 *
 * Why not against the first wave: measured on main (Node 20, `process.memoryUsage()` and
 * `v8.getHeapSpaceStatistics()` sampled each second in the gateway), RSS went 135 → 160 → 177 → 180 → 180 MB
 * over five waves while the live heap after a full GC stayed at 33 MB from wave 2 on. The growth is V8
 * sizing its heap to the allocation rate of 1,000 concurrent streams: the young generation's semi-spaces
 * double (16 → 32 MB) and old space commits ~75 MB of pages between major GCs, then both stay there. That
 * takes three waves to settle; glibc's arenas play no part (`MALLOC_ARENA_MAX=2` gave the same figures).
 * Loopback only, bounded by the wave count. The snapshots are kept in a temporary directory whose path is
 * printed, for loading in Chrome DevTools when a check fails; it is removed when they pass.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { startFakeUpstream } from '../test/support/fake-upstream.js';
import { startGatewayProcess } from '../test/support/gateway-process.js';

const { values } = parseArgs({
  options: { waves: { type: 'string', default: '5' }, streams: { type: 'string', default: '1000' } },
});
const WAVES = Math.max(2, Math.min(10, Number(values.waves)));
const STREAMS = Math.min(2_000, Number(values.streams));
const TOLERANCE = 0.1;
/** The wave after which V8's heap has reached its size for the load (see above). */
const SETTLED_WAVE = 3;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Sum of `self_size` over a heap snapshot's nodes: the live heap after the snapshot's full GC, bytes. */
function liveHeapBytes(file: string): number {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[] } };
    nodes: number[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const selfSize = fields.indexOf('self_size');
  let total = 0;
  for (let i = selfSize; i < snapshot.nodes.length; i += fields.length) total += snapshot.nodes[i]!;
  return total;
}

/** Sends SIGUSR2 and waits until the new snapshot file is complete; returns its path. */
async function snapshot(pid: number, dir: string, before: number): Promise<string> {
  process.kill(pid, 'SIGUSR2');
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const files = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
    if (files.length <= before) continue;
    const file = join(dir, files.sort().at(-1)!);
    const size = statSync(file).size;
    await new Promise((r) => setTimeout(r, 1_000));
    if (statSync(file).size === size && size > 0) return file;
  }
}

/** One gateway process in front of `upstreamUrl`, `WAVES` waves; `snapshots` when heap snapshots are taken. */
async function run(upstreamUrl: string, dir: string, snapshots: boolean): Promise<Row[]> {
  const gateway = await startGatewayProcess(
    {
      server: { log_level: 'error' },
      providers: {
        up: {
          type: 'openai-compatible',
          base_url: `${upstreamUrl}/v1`,
          discover: false,
          max_connections: 2048,
        },
      },
      models: [{ id: 'waves', deployments: [{ provider: 'up' }] }],
    },
    snapshots ? { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}` } : {},
  );
  const pid = gateway.child.pid!;
  const agent = new Agent({ connections: STREAMS });
  const body = JSON.stringify({ model: 'waves', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const rows: Row[] = [];
  for (let wave = 1; wave <= WAVES; wave++) {
    const results = await Promise.all(
      Array.from({ length: STREAMS }, async () => {
        const res = await request(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(60_000),
        });
        const text = await res.body.text();
        return res.statusCode === 200 && text.trimEnd().endsWith('data: [DONE]') && !text.includes('"error"');
      }),
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const rss = rssOf(pid);
    const heap = snapshots ? liveHeapBytes(await snapshot(pid, dir, wave - 1)) : undefined;
    rows.push({ rss, heap, ok: results.filter(Boolean).length });
    const shown = heap === undefined ? '' : `, live heap ${mb(heap)}`;
    process.stdout.write(
      `${snapshots ? 'heap' : 'RSS'} pass, wave ${wave}: ${rows.at(-1)!.ok}/${STREAMS} ok, RSS ${mb(rss)}${shown}\n`,
    );
  }
  await agent.close();
  await gateway.stop();
  return rows;
}

interface Row {
  rss: number;
  heap: number | undefined;
  ok: number;
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-waves-'));
  const sse = readFileSync(new URL('../test/fixtures/openai/chat-text.sse', import.meta.url), 'utf8');
  const upstream = await startFakeUpstream({
    'POST /v1/chat/completions': {
      text: sse,
      headers: { 'content-type': 'text/event-stream' },
      lineDelayMs: 20,
    },
    'GET /v1/models': { json: { object: 'list', data: [] } },
  });
  const plain = await run(upstream.url, dir, false);
  const snapped = await run(upstream.url, dir, true);
  await upstream.close();

  const failures: string[] = [];
  if ([...plain, ...snapped].some((r) => r.ok !== STREAMS)) failures.push('some streams failed');
  const settled = Math.min(SETTLED_WAVE, WAVES - 1);
  const rssSettled = plain[settled - 1]!.rss;
  const rssN = plain.at(-1)!.rss;
  if (rssN > rssSettled * (1 + TOLERANCE)) {
    failures.push(`RSS grew from ${mb(rssSettled)} after wave ${settled} to ${mb(rssN)} after wave ${WAVES}`);
  }
  const heap2 = snapped[1]!.heap!;
  const heapN = snapped.at(-1)!.heap!;
  if (heapN > heap2 * (1 + TOLERANCE)) {
    failures.push(`live heap grew from ${mb(heap2)} after wave 2 to ${mb(heapN)} after wave ${WAVES}`);
  }
  for (const f of failures) process.stdout.write(`FAIL: ${f}\n`);
  if (failures.length === 0) {
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write('stream waves: all assertions passed\n');
  } else process.stdout.write(`heap snapshots kept in ${dir}\n`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
