import type { IncomingMessage } from 'node:http';

/**
 * A body that cannot be read or parsed. `type` keeps body-parser's names for its refusals, which
 * the error handler maps to the answers clients have always had for them.
 */
export class BodyError extends Error {
  readonly status: number;
  readonly type: string | undefined;
  constructor(status: number, type: string | undefined, message: string) {
    super(message);
    this.name = 'BodyError';
    this.status = status;
    this.type = type;
  }
}

/** The whole body, or why it could not be read. */
export type BodyCallback = (result: Buffer | BodyError) => void;

/**
 * Reads a request's body as raw-body does for body-parser: at most `limit` bytes, by the
 * Content-Length up front and by the bytes counted as they come; a body that does not match its
 * Content-Length, a request aborted or failing on the way are refused. On a refusal the rest of
 * the body is read off and thrown away first, so the answer comes once the client has sent it
 * all, as body-parser answered. A request closed without `end` or `aborted` is never answered.
 */
export function readBody(req: IncomingMessage, limit: number, done: BodyCallback): void {
  const declared = req.headers['content-length'];
  const length = declared === undefined || Number.isNaN(Number(declared)) ? undefined : Number.parseInt(declared, 10);
  if (length !== undefined && length > limit) {
    refuse(req, new BodyError(413, 'entity.too.large', 'request entity too large'), done);
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const cleanup = () => {
    req.off('aborted', onAborted);
    req.off('close', cleanup);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onEnd);
  };
  const settle = (error: BodyError | undefined) => {
    settled = true;
    cleanup();
    if (error !== undefined) refuse(req, error, done);
    else done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
  };
  function onAborted() {
    if (!settled) settle(new BodyError(400, 'request.aborted', 'request aborted'));
  }
  function onData(chunk: Buffer) {
    if (settled) return;
    received += chunk.length;
    if (received > limit) settle(new BodyError(413, 'entity.too.large', 'request entity too large'));
    else chunks.push(chunk);
  }
  function onEnd(error?: Error) {
    if (settled) return;
    if (error !== undefined) settle(new BodyError(400, undefined, error.message));
    else if (length !== undefined && received !== length) settle(new BodyError(400, 'request.size.invalid', 'request size did not match content length'));
    else settle(undefined);
  }
  req.on('aborted', onAborted);
  req.on('close', cleanup);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onEnd);
}

/**
 * on-finished's test, which body-parser applies before reading: a request whose connection can
 * no longer be read, or whose body was read to the end, has nothing left to read.
 */
export function isFinished(req: IncomingMessage): boolean {
  const { socket } = req;
  return ('upgrade' in req && req.upgrade === true) || !socket || !socket.readable || (req.complete && !req.readable);
}

/** Passes the refusal on once the request has been read off: its end, or its connection gone. */
function refuse(req: IncomingMessage, error: BodyError, done: BodyCallback): void {
  if (isFinished(req)) {
    done(error);
    return;
  }
  const { socket } = req;
  const finish = () => {
    req.off('end', finish);
    socket.off('error', finish);
    socket.off('close', finish);
    done(error);
  };
  req.on('end', finish);
  socket.on('error', finish);
  socket.on('close', finish);
  req.resume();
}
