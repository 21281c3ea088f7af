import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { signedWith } from './master-key-check.ts';

/**
 * A local Cosmos DB (NoSQL API) stand-in on npm `@vercel/cosmosdb-server`, over plain http so the
 * real `@azure/cosmos` SDK talks to it without any TLS relaxing. Limits to keep in mind: it does
 * not enforce TTL, fails transactional batches, charges a flat 1 RU per request, and serves a few
 * hundred point operations per second.
 */
export interface CosmosTestServer {
  /** `http://127.0.0.1:<port>`; pass with `enableEndpointDiscovery: false` (the server advertises https). */
  readonly endpoint: string;
  /** The account key: requests not signed with it are refused with 401, as by a real account. */
  readonly key: string;
  /** `"<METHOD> <path>"` of every request received since the last call, then forgets them. */
  takeRequests(): string[];
  /** Answers the next `count` requests with 429 and `x-ms-retry-after-ms`, as a throttled account does. */
  throttle(count: number, retryAfterMs?: number): void;
  /** While stalled, requests are accepted but never answered: a hung gateway. Leaving drops them. */
  setStalled(stalled: boolean): void;
  /** Every request is answered this many ms late (0: at once), as by a slow gateway or region. */
  setLatency(ms: number): void;
  /** Stops listening and drops every open connection: clients see connection refused. */
  stop(): Promise<void>;
  /** Listens again on the same port; data written before the stop is still there. */
  restart(): Promise<void>;
}

export const COSMOS_TEST_KEY = Buffer.from('signal-cosmos-test-key').toString('base64');

export async function startCosmosServer(): Promise<CosmosTestServer> {
  // Keep-alive, as a real account over HTTPS: otherwise every SDK call pays a TCP connect that
  // production never does, and Azure-path CPU figures measure the stand-in instead of Signal.
  const server = createHttpServer({ keepAlive: true });
  const [serve] = server.listeners('request') as RequestListener[];
  if (serve === undefined) throw new Error('@vercel/cosmosdb-server registered no request handler');
  server.removeAllListeners('request');

  let log: string[] = [];
  let throttled = 0;
  let retryAfter = 0;
  let stalled = false;
  let latencyMs = 0;
  const held = new Set<ServerResponse>();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    log.push(`${req.method} ${req.url}`);
    if (latencyMs > 0) setTimeout(() => answer(req, res), latencyMs);
    else answer(req, res);
  });

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    if (stalled) {
      held.add(res);
      return;
    }
    if (throttled > 0) {
      throttled -= 1;
      req.resume();
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-ms-retry-after-ms': String(retryAfter),
        'x-ms-substatus': '3200',
        'x-ms-request-charge': '0',
      });
      res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large' }));
      return;
    }
    if (!signedWith(COSMOS_TEST_KEY, req)) {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json', 'x-ms-request-charge': '0' });
      res.end(JSON.stringify({ code: 'Unauthorized', message: 'The input authorization token can\'t serve the request.' }));
      return;
    }
    serve(req, res);
  };

  const dropHeld = () => {
    for (const res of held) res.destroy();
    held.clear();
  };

  await listen(server, 0);
  // The package builds its in-memory account on every 'listening' event; keeping the first one
  // makes restart() an outage of the network path, not a loss of data, as with a real account.
  server.removeAllListeners('listening');
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    key: COSMOS_TEST_KEY,
    takeRequests() {
      const taken = log;
      log = [];
      return taken;
    },
    throttle(count, retryAfterMs = 10) {
      throttled = count;
      retryAfter = retryAfterMs;
    },
    setStalled(value) {
      stalled = value;
      if (!value) dropHeld();
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    async stop() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropHeld();
      server.closeAllConnections();
      await closed;
    },
    async restart() {
      if (!server.listening) await listen(server, port);
    },
  };
}

function listen(server: ReturnType<typeof createHttpServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
