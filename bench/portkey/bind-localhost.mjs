/**
 * Preloaded into the Portkey gateway (`node --import`): its start-server.js calls `@hono/node-server`'s
 * `serve({ fetch, port })` without a hostname, which binds every interface. This makes any `listen(port)`
 * without a host bind 127.0.0.1 instead, so the benchmark never exposes a port.
 */
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
