/**
 * One route behind a body reader and the real error handler, served on an ephemeral port, asked
 * with raw bytes (any framing, split into pieces, cut short): what the client received and what
 * the server made of the request, to compare two readers by.
 */
import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { pino } from 'pino';
import { errorHandler } from '../../src/http/error-handler.ts';

export interface Outcome {
  /** Everything the client received, the Date header taken out. */
  received: string;
  /** The status the response had when it closed, answered or not; `undefined`: no request reached the app. */
  status: number | undefined;
  /** `req.body` as the handler saw it (`undefined` when it was never reached or had none). */
  body: string;
  bodyProperty: boolean;
}

export interface BodyServer {
  ask(pieces: Buffer[]): Promise<Outcome>;
  close(): Promise<void>;
}

interface Seen {
  status: number;
  body: string;
  bodyProperty: boolean;
}

const describe = (body: unknown) => (body === undefined ? '<undefined>' : JSON.stringify(body));

export async function bodyServer(reader: RequestHandler): Promise<BodyServer> {
  let reached: (seen: Seen) => void = () => {};
  const app = express();
  app.use((req, res, next) => {
    res.on('close', () => {
      reached({ status: res.statusCode, body: describe(req.body), bodyProperty: Reflect.has(req, 'body') });
    });
    next();
  });
  app.post('/body', reader, (req, res) => {
    res.json({ value: req.body });
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    async ask(pieces) {
      const closed = new Promise<Seen>((resolve) => {
        reached = resolve;
      });
      const socket = connect(port, '127.0.0.1');
      // The server may answer and close before the last piece is written (a refused charset is answered at once).
      const disconnected = once(socket, 'close');
      await once(socket, 'connect');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => {});
      for (const [index, piece] of pieces.entries()) {
        // A pause between pieces makes them separate reads on the server.
        if (index > 0) await new Promise((resolve) => setTimeout(resolve, 2));
        socket.write(piece);
      }
      // Half-closed: a request that is complete is answered; one cut short is aborted.
      socket.end();
      const timeout = setTimeout(() => socket.destroy(), 5000);
      await disconnected;
      clearTimeout(timeout);
      // The response's own close can follow the connection's by a tick; a request Node refused never reaches it.
      const seen = await Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50))]);
      const received = Buffer.concat(chunks).toString('latin1').replace(/^Date: [^\r]*\r\n/im, '');
      return { received, status: seen?.status, body: seen?.body ?? '<not reached>', bodyProperty: seen?.bodyProperty ?? false };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
