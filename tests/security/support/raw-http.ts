/**
 * HTTP/1.1 over a bare socket, for requests fetch() refuses to send: invalid bytes, broken
 * percent-encoding, duplicated or oversized headers, any Content-Encoding.
 */
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Request target exactly as sent: path and query, no escaping applied. */
  target: string;
  headers?: [string, string][];
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/** Serialises a request with a correct Content-Length and `Connection: close`. */
export function encodeRequest(request: RawRequest): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  if (body.length > 0 || request.method === 'POST') lines.push(`Content-Length: ${body.length}`);
  lines.push('Connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}

export interface RawConnection {
  /** Writes more of the request: a request can be sent in pieces, with pauses between them. */
  send(bytes: Buffer | string): void;
  /** Resolves once the bytes received so far contain `text` (e.g. an interim `100 Continue`). */
  received(text: string): Promise<void>;
  /** The answer, once the server has closed the connection; fails after `timeoutMs`. */
  answer: Promise<RawResponse>;
}

/** Opens a connection; resolves once connected. */
export async function openConnection(port: number, timeoutMs = 5000): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  const watchers = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    for (const watcher of watchers) watcher();
  });
  const answer = new Promise<RawResponse>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms; received ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))}`));
    }, timeoutMs);
    // The server may reset after answering (Node destroys the socket on parser errors).
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
  const received = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!Buffer.concat(chunks).includes(text)) return;
        watchers.delete(check);
        resolve();
      };
      watchers.add(check);
      check();
      answer.then(() => reject(new Error(`connection closed before ${JSON.stringify(text)} arrived`)), reject);
    });
  return { send: (bytes) => socket.write(bytes), received, answer };
}

/** Sends `bytes` at once and reads until the server closes. */
export async function sendRaw(port: number, bytes: Buffer, timeoutMs?: number): Promise<RawResponse> {
  const connection = await openConnection(port, timeoutMs);
  connection.send(bytes);
  return connection.answer;
}

export function rawRequest(port: number, request: RawRequest, timeoutMs?: number): Promise<RawResponse> {
  return sendRaw(port, encodeRequest(request), timeoutMs);
}

function parseResponse(data: Buffer): RawResponse {
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`incomplete HTTP response: ${JSON.stringify(rest.toString('latin1').slice(0, 200))}`);
    const [statusLine = '', ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!Number.isInteger(status)) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
    rest = rest.subarray(end + 4);
    // 100 Continue precedes the real answer to `Expect: 100-continue`.
    if (status >= 100 && status < 200) continue;
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const length = headers['content-length'];
    const body = headers['transfer-encoding']?.includes('chunked') ? dechunk(rest) : length !== undefined ? rest.subarray(0, Number(length)) : rest;
    return { status, headers, body };
  }
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (lineEnd < 0 || !Number.isInteger(size)) throw new Error('bad chunked body');
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
