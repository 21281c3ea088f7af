import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Status and message for the parser failures Node names; anything else it could not parse is a 400. */
const PARSER_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request headers too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Content Too Large', 'Request chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Request timeout'],
};
const MALFORMED: [number, string, string] = [400, 'Bad Request', 'Malformed HTTP request'];

function envelope(status: number, reason: string, message: string): string {
  const body = JSON.stringify({ body: message });
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json; charset=utf-8',
    'X-Content-Type-Options: nosniff',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Requests Node's HTTP parser rejects (oversized headers, broken framing) and unknown `Expect`
 * values never reach Express, and Node answers them with an empty body. Answer them in the
 * `{"body": ...}` envelope instead, so a client never meets another error shape.
 */
export function answerProtocolErrorsInEnvelope(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node itself does: never write into a response already under way on this connection.
    const responding = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (socket.writable && !responding && error.code !== 'ECONNRESET') {
      const [status, reason, message] = PARSER_ERRORS[error.code ?? ''] ?? MALFORMED;
      socket.write(envelope(status, reason, message));
    }
    // Node's own order: the short answer is handed to the kernel by write(), then the connection goes.
    socket.destroy();
  });
  server.on('checkExpectation', (_req, res) => {
    res.writeHead(417, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', Connection: 'close' });
    res.end(JSON.stringify({ body: 'Only Expect: 100-continue is supported' }));
  });
}
