import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../core/errors.js';

/**
 * Errors Node's HTTP parser raises before a request reaches fastify (the server's `clientError` event),
 * as OpenAI-envelope errors. Codes are llhttp's (`HPE_*`) and Node's request timeout; the statuses follow
 * RFC 9110 §15 (400, 408, 414, 501) and RFC 6585 §5 (431).
 * @param rawPacket the bytes being parsed when the error happened (Node's `err.rawPacket`)
 * @param reason llhttp's own description (Node's `err.reason`), appended to malformed-request messages
 */
export function parserError(code: string | undefined, rawPacket?: Buffer, reason?: string): GatewayError {
  const badRequest = (message: string) =>
    new GatewayError(400, reason ? `${message} (${reason})` : message, { code: 'invalid_request' });
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError(408, 'The request headers did not arrive in time (server.header_timeout)', {
        code: 'request_timeout',
      });
    case 'HPE_HEADER_OVERFLOW':
      // A packet without a line break is still the request line: the URL itself is what is too long.
      if (rawPacket !== undefined && !rawPacket.includes('\r\n') && !rawPacket.includes('\n')) {
        return new GatewayError(414, 'The request URL is too long', { code: 'uri_too_long' });
      }
      return new GatewayError(431, 'The request headers are too large (over 16 KiB in total)', {
        code: 'request_header_fields_too_large',
      });
    case 'HPE_INVALID_METHOD':
      return new GatewayError(501, 'The request method is not implemented by this server', {
        type: 'invalid_request_error',
        code: 'method_not_implemented',
      });
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return badRequest('The request has both Content-Length and Transfer-Encoding; send one of them');
    case 'HPE_INVALID_CONTENT_LENGTH':
      return badRequest('The Content-Length header is not a valid length');
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return badRequest('The Transfer-Encoding header is not valid, or is sent with Content-Length');
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return badRequest('The chunked request body has an invalid chunk size line');
    case 'HPE_INVALID_EOF_STATE':
      return badRequest('The connection ended before the request body was complete');
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return badRequest('A request header is malformed (invalid character, e.g. NUL or a control byte)');
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_CONSTANT':
      return badRequest('The request line is malformed: expected "METHOD /path HTTP/1.1"');
    case 'HPE_INVALID_URL':
      return badRequest('The request URL is malformed');
    default:
      return badRequest('The request is not valid HTTP/1.1');
  }
}

/**
 * Refuses an HTTP/1.1 request without a `Host` header (RFC 9112 §3.2: the server must answer 400) in the
 * OpenAI envelope, instead of Node's own empty 400 (the server is built with `requireHostHeader: false`).
 */
export function registerHostCheck(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const req = request.raw;
    if (req.headers.host !== undefined || req.httpVersion !== '1.1') {
      done();
      return;
    }
    done(
      new GatewayError(400, 'An HTTP/1.1 request must carry a Host header', {
        code: 'invalid_request',
        headers: { connection: 'close' },
      }),
    );
  });
}

/** CONNECT asks for a tunnel; the gateway is an origin server, not a proxy (RFC 9110 §9.3.6). */
export function connectError(): GatewayError {
  return new GatewayError(501, 'CONNECT is not supported: this server is not a proxy', {
    type: 'invalid_request_error',
    code: 'method_not_implemented',
  });
}

/** The response Node is writing on a socket (internal but stable since Node 0.x: `socket._httpMessage`). */
interface HttpSocket extends Duplex {
  _httpMessage?: ServerResponse | null;
  [ANSWERED]?: true;
}

const ANSWERED = Symbol('switchyard.answered');

/**
 * Answers on a socket that failed before fastify saw a complete request (parser errors, CONNECT, refused
 * connections) and closes it. When Node already has a response object for the socket (an error in the
 * middle of a request body) the answer goes through it, so nothing else can write a second one; otherwise a
 * complete HTTP/1.1 response is written to the socket. Either way `Connection: close`, the rest of the input
 * is read and discarded so the peer reads the answer instead of a reset, and the socket is destroyed after
 * `graceMs` at the latest. A socket already answered, or whose response has started, is destroyed.
 * @param body the envelope, already rendered (see `renderError`)
 */
export function writeSocketError(socket: Duplex, error: GatewayError, body: string, graceMs = 1_000): void {
  const s = socket as HttpSocket;
  if (s.destroyed) return;
  const res = s._httpMessage;
  if (s[ANSWERED] || !s.writable || res?.headersSent) {
    s.destroy();
    return;
  }
  s[ANSWERED] = true;
  s.on('error', () => s.destroy());
  setTimeout(() => s.destroy(), graceMs).unref();
  const headers = {
    ...error.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  if (res) {
    res.writeHead(error.status, headers);
    res.end(body);
    s.resume();
    return;
  }
  let head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  s.resume();
  s.end(`${head}\r\n${body}`);
}

/**
 * Answers a request whose `Expect` header asks for anything but `100-continue` with 417 in the OpenAI envelope
 * (RFC 9110 §10.1.1), instead of Node's own empty 417 (the server's `checkExpectation` event).
 */
export function registerExpectationCheck(server: Server): void {
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const error = new GatewayError(417, `The expectation "${req.headers.expect ?? ''}" cannot be met`, {
      code: 'expectation_failed',
    });
    const body = JSON.stringify(error.toBody());
    res.writeHead(417, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  });
}
