import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CuttingProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A reverse proxy with a short read timeout, like an ingress whose timeout is below the client's
 * long-poll wait: a response not started within `cutAfterMs` becomes a 504 with an HTML page.
 */
export async function startCuttingProxy(target: string, cutAfterMs: number): Promise<CuttingProxy> {
  const server = createServer((incoming, outgoing) => {
    const upstream = request(new URL(incoming.url ?? '/', target), { method: incoming.method, headers: incoming.headers }, (response) => {
      clearTimeout(cut);
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    });
    const cut = setTimeout(() => {
      upstream.destroy();
      outgoing.writeHead(504, { 'content-type': 'text/html' }).end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
    }, cutAfterMs);
    upstream.on('error', () => {
      clearTimeout(cut);
      if (!outgoing.headersSent) outgoing.writeHead(502).end();
    });
    incoming.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
