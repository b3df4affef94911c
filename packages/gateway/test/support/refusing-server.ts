/**
 * A TCP listener on 127.0.0.1 that the test owns and that resets every connection at once (TCP RST), for
 * "unreachable upstream" tests. Holding the port while the test runs means no other process can take it
 * (unlike a port bound and closed again, or a well-known port assumed free), and the reset is what an
 * upstream that is down or crashing looks like to the gateway (`ECONNRESET`).
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';

/** A running resetting listener. */
export interface RefusingServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** Connections accepted (and reset) so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a listener on a random 127.0.0.1 port that answers every connection with a TCP reset. */
export async function startRefusingServer(): Promise<RefusingServer> {
  let count = 0;
  const server = createServer((socket: Socket) => {
    count++;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
