/**
 * A streaming load client on node:http: sends `stream: true` chat completions and timestamps every SSE event
 * as it arrives, to measure time to first token and the gaps between chunks (a proxy that buffers or
 * coalesces shows up as near-zero gaps followed by long ones). SSE framing as in the OpenAI API
 * reference, The chat completion chunk object (https://platform.openai.com/docs/api-reference/chat-streaming/streaming):
 * events end with a blank line; `data: [DONE]` ends the stream and is not counted as a chunk.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Timing of one stream, in ms. */
export interface StreamTiming {
  /** Request sent → first chunk event fully received. */
  ttftMs: number;
  /** Time between consecutive chunk events (chunks − 1 values). */
  gapsMs: number[];
  /** Chunk events received (excluding `[DONE]`). */
  chunks: number;
}

/** Options of {@link runStreams}. */
export interface StreamRun {
  /** Full URL of the chat completions endpoint. */
  url: string;
  headers: Record<string, string>;
  /** JSON request body; must ask for `"stream": true`. */
  body: string;
  /** Streams in total. */
  count: number;
  /** Streams open at once. */
  concurrency: number;
  /** Called once when `concurrency` streams (or all, if fewer) have received their first chunk. */
  onAllOpen?: () => void;
}

/** Splits complete SSE events (ended by a blank line) off `text`; `rest` is the incomplete tail. */
function takeEvents(text: string): { events: string[]; rest: string } {
  const events: string[] = [];
  let start = 0;
  for (let end = text.indexOf('\n\n', start); end !== -1; end = text.indexOf('\n\n', start)) {
    events.push(text.slice(start, end));
    start = end + 2;
  }
  return { events, rest: text.slice(start) };
}

function oneStream(agent: Agent, run: StreamRun, onFirst: () => void): Promise<StreamTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const times: number[] = [];
    let pending = '';
    const req = request(
      run.url,
      {
        method: 'POST',
        agent,
        headers: {
          ...run.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(run.body),
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`stream answered ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (data: string) => {
          const now = performance.now();
          const { events, rest } = takeEvents(pending + data);
          pending = rest;
          for (const event of events) {
            if (event.startsWith('data: [DONE]')) continue;
            if (times.length === 0) onFirst();
            times.push(now);
          }
        });
        res.on('end', () => {
          const gapsMs = times.slice(1).map((t, i) => t - times[i]!);
          resolve({ ttftMs: (times[0] ?? Number.NaN) - started, gapsMs, chunks: times.length });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(run.body);
  });
}

/**
 * Runs `count` streams with at most `concurrency` open at once.
 * @returns one timing per stream, in completion order
 * @throws Error on a non-200 answer or a socket error
 */
export async function runStreams(run: StreamRun): Promise<StreamTiming[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: run.concurrency });
  const results: StreamTiming[] = [];
  const target = Math.min(run.concurrency, run.count);
  let opened = 0;
  const onFirst = () => {
    opened++;
    if (opened === target) run.onAllOpen?.();
  };
  let next = 0;
  const worker = async () => {
    while (next < run.count) {
      next++;
      results.push(await oneStream(agent, run, onFirst));
    }
  };
  try {
    await Promise.all(Array.from({ length: target }, worker));
  } finally {
    agent.destroy();
  }
  return results;
}
