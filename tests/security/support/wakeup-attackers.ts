import { connect, type Socket } from 'node:net';

/**
 * Connections an attacker without the wake-up secret keeps open on a replica's wake-up port:
 * each is reopened as soon as the server closes it, for as long as the attack lasts.
 */
export interface Attack {
  /** Connections opened so far (reopenings included). */
  readonly opened: number;
  /** Connections currently open. */
  readonly open: number;
  stop(): void;
}

type Behaviour = (socket: Socket) => void;

function sustain(port: number, connections: number, behave: Behaviour, reconnectMs = 20): Attack {
  const sockets = new Set<Socket>();
  let stopped = false;
  let opened = 0;
  const openOne = () => {
    if (stopped) return;
    opened += 1;
    const socket = connect({ host: '127.0.0.1', port });
    sockets.add(socket);
    socket.on('error', () => {});
    socket.resume();
    socket.once('connect', () => behave(socket));
    socket.once('close', () => {
      sockets.delete(socket);
      // A pause, as a real attacker reconnecting; not a busy loop on this machine's 2 cores.
      setTimeout(openOne, reconnectMs);
    });
  };
  for (let i = 0; i < connections; i += 1) openOne();
  return {
    get opened() {
      return opened;
    },
    get open() {
      return sockets.size;
    },
    stop() {
      stopped = true;
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Connects and sends nothing. */
export const idleConnections = (port: number, connections: number): Attack => sustain(port, connections, () => {});

/** Headers of a wake-up request with made-up credentials, declaring a body of `bodyBytes`. */
export function forgedHead(bodyBytes: number): string {
  const fake = (length: number) => 'A'.repeat(length);
  return [
    'POST /wakeups HTTP/1.1',
    'host: replica',
    'content-type: application/json',
    `content-length: ${bodyBytes}`,
    'signal-wakeup-to: guessed@127.0.0.1:8081',
    `signal-wakeup-timestamp: ${Date.now()}`,
    `signal-wakeup-nonce: ${fake(22)}`,
    `signal-wakeup-content-sha256: ${fake(43)}`,
    `signal-wakeup-mac: ${fake(43)}`,
    '',
    '',
  ].join('\r\n');
}

/**
 * Sends `bytes` (headers then body) `chunkBytes` at a time every `intervalMs`: a slow sender,
 * which a server that buffers before it authenticates holds on to. Closed, it connects again at
 * the same pace.
 */
export function slowSenders(port: number, connections: number, bytes: () => Buffer, chunkBytes: number, intervalMs: number): Attack {
  return sustain(port, connections, (socket) => {
    const data = bytes();
    let sent = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || sent >= data.length) return clearInterval(timer);
      socket.write(data.subarray(sent, sent + chunkBytes));
      sent += chunkBytes;
    }, intervalMs);
    socket.once('close', () => clearInterval(timer));
  }, intervalMs);
}

/** Sends forged requests one after another on each connection, as fast as they are answered. */
export const forgedRequests = (port: number, connections: number): Attack =>
  sustain(port, connections, (socket) => {
    const body = '{"hints":[]}';
    const next = () => socket.write(forgedHead(body.length) + body);
    socket.on('data', next);
    next();
  });
