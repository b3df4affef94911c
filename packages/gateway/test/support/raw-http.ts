/**
 * Raw HTTP/1.1 exchanges over a TCP socket, for requests no HTTP client will send (malformed request lines,
 * NUL bytes in headers, CONNECT, half-closed bodies, slow writers). Loopback only, bounded in time.
 */
import { connect, type Socket } from 'node:net';

/** What came back on the socket. */
export interface RawExchange {
  /** Status of the first response, or undefined when none arrived. */
  status: number | undefined;
  /** Lower-cased header names of the first response. */
  headers: Record<string, string>;
  /** Body of the first response (by its Content-Length, else everything until close). */
  body: string;
  /** Everything read from the socket. */
  raw: string;
  /** The server closed the connection within the time limit. */
  closed: boolean;
  /** A socket error seen while writing or reading (e.g. `ECONNRESET`, `EPIPE`). */
  error: string | undefined;
  /** Milliseconds from connect to the first response's end (or to giving up). */
  elapsedMs: number;
}

/** Options of {@link rawExchange}. */
export interface RawOptions {
  /** End the write side after sending (a client half-close). */
  halfClose?: boolean;
  /** Give up after this many ms (default 5,000). */
  timeoutMs?: number;
  /** Resolve once a complete response arrived instead of waiting for the close. */
  untilResponse?: boolean;
}

/** `http://127.0.0.1:PORT` → port. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/**
 * Connects to `url`'s host and port, writes `payload` (a string is sent as latin1, byte for byte), and
 * reads until the server closes, a complete response arrived (`untilResponse`), or `timeoutMs`.
 */
export function rawExchange(
  url: string,
  payload: string | Buffer | readonly (string | Buffer)[],
  options: RawOptions = {},
): Promise<RawExchange> {
  const started = performance.now();
  const socket = connect(portOf(url), '127.0.0.1');
  return collect(socket, started, options, () => {
    for (const part of Array.isArray(payload) ? payload : [payload]) {
      socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
    }
    if (options.halfClose) socket.end();
  });
}

/**
 * Reads a socket until it closes, a response is complete (`untilResponse`) or `timeoutMs`; `start` runs
 * once connected.
 */
export function collect(
  socket: Socket,
  started: number,
  options: RawOptions,
  start: () => void,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        ...parse(Buffer.concat(chunks).toString('latin1')),
        closed,
        error,
        elapsedMs: performance.now() - started,
      });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 5_000);
    socket.on('connect', start);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (options.untilResponse && parse(Buffer.concat(chunks).toString('latin1')).complete) finish(false);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on('close', () => finish(true));
  });
}

function parse(raw: string): Omit<RawExchange, 'closed' | 'error' | 'elapsedMs'> & { complete: boolean } {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (!raw.startsWith('HTTP/') || headEnd < 0) {
    return { status: undefined, headers: {}, body: '', raw, complete: false };
  }
  const [statusLine, ...lines] = raw.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const rest = raw.slice(headEnd + 4);
  const length = headers['content-length'];
  const body = length === undefined ? rest : rest.slice(0, Number(length));
  const complete = length !== undefined && Buffer.byteLength(rest, 'latin1') >= Number(length);
  return { status: Number(statusLine!.split(' ')[1]), headers, body, raw, complete };
}
