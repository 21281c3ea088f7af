import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import WebSocket from 'ws';
import { SAMPLE_SDP } from '../lib/sample-sdp.ts';

interface PeerJsMessage {
  type: string;
  src?: string;
  dst?: string;
  payload?: { connectionId?: string; sdp?: { type: string; sdp: string } };
}

/**
 * A PeerJS peer speaking the server protocol the `peerjs` browser library speaks: a WebSocket to
 * /peerjs with key, id and token, OPEN on registration, OFFER/ANSWER relayed with `src` filled in.
 * Every peer answers the offers it receives, so one handshake is exactly two relayed messages.
 */
export class PeerJsPeer {
  readonly id: string;
  readonly #socket: WebSocket;
  readonly #pending = new Map<string, { resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(id: string, socket: WebSocket) {
    this.id = id;
    this.#socket = socket;
    socket.on('message', (data) => this.#onMessage(JSON.parse(String(data)) as PeerJsMessage));
    socket.on('error', (error) => this.#failAll(error));
    socket.on('close', () => this.#failAll(new Error('PeerJS socket closed')));
  }

  static async connect(origin: string): Promise<PeerJsPeer> {
    const id = randomUUID();
    const url = `${origin.replace(/^http/, 'ws')}/peerjs?key=peerjs&id=${id}&token=${randomUUID().slice(0, 8)}`;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const [data] = (await Promise.race([
      once(socket, 'message'),
      once(socket, 'error').then(([error]) => Promise.reject(error as Error)),
    ])) as [Buffer];
    const first = JSON.parse(String(data)) as PeerJsMessage;
    if (first.type !== 'OPEN') throw new Error(`PeerJS refused the peer: ${String(data)}`);
    return new PeerJsPeer(id, socket);
  }

  /** Sends an offer to `callee` and resolves when its answer comes back. */
  handshake(callee: string, timeoutMs: number): Promise<void> {
    const connectionId = randomUUID();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(connectionId);
        reject(new Error('PeerJS answer did not arrive'));
      }, timeoutMs);
      this.#pending.set(connectionId, { resolve, reject, timer });
      this.#send({ type: 'OFFER', dst: callee, payload: { connectionId, sdp: { type: 'offer', sdp: SAMPLE_SDP } } });
    });
  }

  async close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.#socket, 'close');
    this.#socket.close();
    await closed;
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }

  #send(message: PeerJsMessage): void {
    this.#socket.send(JSON.stringify(message));
  }

  #onMessage(message: PeerJsMessage): void {
    const connectionId = message.payload?.connectionId;
    if (connectionId === undefined || message.src === undefined) return;
    if (message.type === 'OFFER') {
      this.#send({ type: 'ANSWER', dst: message.src, payload: { connectionId, sdp: { type: 'answer', sdp: SAMPLE_SDP } } });
    } else if (message.type === 'ANSWER') {
      const pending = this.#pending.get(connectionId);
      if (pending === undefined) return;
      this.#pending.delete(connectionId);
      clearTimeout(pending.timer);
      pending.resolve();
    }
  }
}
