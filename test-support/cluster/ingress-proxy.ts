import { once } from 'node:events';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceName } from '@signal/common/config/config';
import { hashRing, type HashRing } from './hash-ring.ts';

/**
 * The public API as the chart's Ingress routes it (pathType Exact): the seed's eight operations
 * on six paths. Ingress routes by path, not method, so this is the whole public surface:
 * /healthz, /readyz, /metrics and /openapi.json stay in the cluster. tests/deploy/chart-policy
 * checks the rendered Ingress against this table.
 */
export const INGRESS_ROUTES: Readonly<Record<string, ServiceName>> = {
  '/login': 'session',
  '/logout': 'session',
  '/offer': 'signaling',
  '/answer': 'signaling',
  '/expire': 'signaling',
  '/ice_servers': 'ice',
};

/** The chart's ingress.timeoutSeconds: upstream reads outlast the longest long-poll (25 s). */
export const INGRESS_TIMEOUT_SECONDS = 60;

/** Names the pod that answered, so a person (and the demo page) sees the balancing at work. */
export const REPLICA_HEADER = 'x-signal-replica';

/** ingress-nginx's default client_max_body_size (1m). */
const MAX_BODY_BYTES = 1024 * 1024;

/** RFC 9110 hop-by-hop fields: they describe one connection and are never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/**
 * How signaling requests are spread: `room` hashes the `room` query parameter onto the ready
 * signaling pods with a consistent-hash ring (the chart's signaling.roomAffinity), so a room's
 * requests share one pod and its wake-ups stay in process; `none` is round robin.
 */
export type Affinity = 'room' | 'none';
export const AFFINITIES: readonly Affinity[] = ['room', 'none'];

export interface Upstream {
  pod: string;
  url: string;
}

export interface IngressProxyOptions {
  port: number;
  host: string;
  /** Upstream read timeout, the chart's ingress.timeoutSeconds: longer than any long-poll. */
  timeoutSeconds: number;
  /** The ready pods behind a service right now (a Service's endpoints). */
  endpoints: (service: ServiceName) => Upstream[];
  /** Signaling's balancing; round robin when absent. */
  affinity?: Affinity;
  /** Serves what is not an Ingress path but lives beside it locally (/dev/token, /demo/). */
  local?: { prefixes: string[]; handler: RequestListener };
}

export interface IngressProxy {
  url: string;
  port: number;
  /** Stops accepting connections, lets the requests in flight finish, then closes every connection. */
  close(): Promise<void>;
}

/**
 * A path-routing reverse proxy that behaves like the chart's Ingress in front of the Services:
 * each path to its service, round robin over the ready pods (or, for signaling with room
 * affinity, the room's pod on a hash ring), a connection refused tried on the next pod,
 * X-Forwarded-For extended with the client address, and a read timeout a long-poll fits in.
 */
export async function startIngressProxy(options: IngressProxyOptions): Promise<IngressProxy> {
  const agent = new Agent({ keepAlive: true });
  const turns = new Map<ServiceName, number>();
  const roundRobin = (service: ServiceName, pods: Upstream[]): Upstream[] => {
    const turn = turns.get(service) ?? 0;
    turns.set(service, turn + 1);
    return pods.map((_, i) => pods[(turn + i) % pods.length]!);
  };
  const rings = ringOfReadyPods();
  const nextPods = (service: ServiceName, room: string | null): Upstream[] => {
    const pods = options.endpoints(service);
    // Like Envoy's hash policy on a query parameter: a request without one is balanced as usual.
    if (service !== 'signaling' || options.affinity !== 'room' || !room) return roundRobin(service, pods);
    const byName = new Map(pods.map((pod) => [pod.pod, pod]));
    return rings(pods).order(room).map((name) => byName.get(name)!);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://ingress');
    const path = url.pathname;
    const service = INGRESS_ROUTES[path];
    if (service === undefined) {
      if (options.local?.prefixes.some((prefix) => path.startsWith(prefix))) return options.local.handler(req, res);
      return reply(res, 404, `No ingress rule for ${path}`);
    }
    void readBody(req).then(
      (body) => forward(req, res, body, nextPods(service, url.searchParams.get('room')), service),
      () => reply(res, 413, 'Request body too large'),
    );
  });

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, pods: Upstream[], service: ServiceName): void => {
    const [pod, ...others] = pods;
    if (pod === undefined) return reply(res, 503, `No ready ${service} pod`);
    const headers = { ...forwardedHeaders(req), ...(body.length > 0 ? { 'content-length': String(body.length) } : {}) };
    const upstream = request(new URL(req.url ?? '/', pod.url), { method: req.method, headers, agent });
    upstream.setTimeout(options.timeoutSeconds * 1000, () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...withoutHopByHop(answer.headers), [REPLICA_HEADER]: pod.pod });
      answer.pipe(res);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) return res.destroy();
      // Refused means nothing reached the pod (it is restarting): safe to try another, as nginx does.
      if (error.code === 'ECONNREFUSED' && others.length > 0) return forward(req, res, body, others, service);
      reply(res, error.message === 'upstream timed out' ? 504 : 502, `Upstream ${pod.pod}: ${error.code ?? error.message}`);
    });
    // A client that gives up (a long-poll abandoned) releases the pod's waiter too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  };

  // Keep-alive connections idle between requests must not hold close() up: count what is in flight.
  let inFlight = 0;
  let closing = false;
  server.on('request', (_req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (closing && inFlight === 0) server.closeAllConnections();
    });
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = (options.timeoutSeconds + 5) * 1000;
  server.keepAliveTimeout = 75_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}`,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inFlight === 0) server.closeAllConnections();
      else server.closeIdleConnections();
      await closed;
      agent.destroy();
    },
  };
}

/** The ring over the ready pods, built again only when the set of ready pods changes. */
function ringOfReadyPods(): (pods: Upstream[]) => HashRing {
  let built: { names: string; ring: HashRing } | undefined;
  return (pods) => {
    const names = pods.map((pod) => pod.pod).join(',');
    if (built?.names !== names) built = { names, ring: hashRing(pods.map((pod) => pod.pod)) };
    return built.ring;
  };
}

function forwardedHeaders(req: IncomingMessage): IncomingHttpHeaders {
  const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const prior = req.headers['x-forwarded-for'];
  return {
    ...withoutHopByHop(req.headers),
    'x-forwarded-for': prior ? `${String(prior)}, ${client}` : client,
    'x-forwarded-proto': 'http',
    'x-forwarded-host': req.headers.host ?? '',
    'x-real-ip': client,
  };
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((token) => token.trim()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ body }));
}
