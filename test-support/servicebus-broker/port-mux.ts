import { createServer, type Server, type Socket } from 'node:net';

/** The first byte of the AMQP protocol header "AMQP"; no HTTP method starts with 'A'. */
const AMQP_FIRST_BYTE = 0x41;

export interface PortMuxHandlers {
  amqp(socket: Socket): void;
  http(socket: Socket): void;
}

/**
 * One TCP port for both protocols, because the administration client addresses the host:port of
 * the connection string's Endpoint, the same one the AMQP client uses.
 * Tracks its sockets so that `stop()` can cut every connection at once, like a broker crash.
 */
export class PortMux {
  readonly #handlers: PortMuxHandlers;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  constructor(handlers: PortMuxHandlers) {
    this.#handlers = handlers;
  }

  /** Listens on 127.0.0.1; port 0 picks a free one. Resolves with the bound port. */
  listen(port: number): Promise<number> {
    const server = createServer((socket) => this.#route(socket));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    // Destroying with an error is what makes the protocol handlers notice: a local destroy()
    // alone emits neither 'end' nor 'error', only 'close'.
    for (const socket of this.#sockets) socket.destroy(new Error('broker stopped'));
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #route(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    // Peers reset connections during fault tests; the protocol handlers see errors on their own.
    socket.on('error', () => {});
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === AMQP_FIRST_BYTE) this.#handlers.amqp(socket);
      else this.#handlers.http(socket);
      socket.resume();
    });
  }
}
