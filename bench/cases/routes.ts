import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { SignalHttpApi, type HttpPeer } from '../clients/http-api.ts';
import { freshRoom } from '../clients/http-handshake.ts';
import type { BenchConfig } from '../config.ts';
import { percentOf, startCpuWindow } from '../lib/cpu-window.ts';
import type { ServerProcess } from '../lib/server-process.ts';
import { SAMPLE_SDP } from '../lib/sample-sdp.ts';
import { medianOf } from '../lib/stats.ts';
import type { RouteResult, RouteRound } from '../report/results.ts';
import { mintJwt, signalLogin } from '../systems.ts';

export interface RouteSpec {
  route: string;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The Express hello route of the same shape (a POST reading a JSON body, a GET answering an SDP). */
  shape?: string;
}

export interface RouteTarget {
  server: ServerProcess;
  spec: RouteSpec;
}

export const loadRoute = (target: RouteTarget, connections: number, seconds: number) =>
  autocannon({
    url: target.server.origin + target.spec.path,
    method: target.spec.method ?? 'GET',
    ...(target.spec.headers === undefined ? {} : { headers: target.spec.headers }),
    ...(target.spec.body === undefined ? {} : { body: target.spec.body }),
    connections,
    pipelining: 1,
    duration: seconds,
  });

async function measureRound(target: RouteTarget, config: BenchConfig): Promise<RouteRound> {
  const cpu = startCpuWindow(target.server);
  const result = await loadRoute(target, config.routeConnections, config.routeSeconds);
  const use = cpu();
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors,
    serverCpuPercent: percentOf(use.serverCpuSeconds, use.wallSeconds),
    loadgenCpuPercent: percentOf(use.loadgenCpuSeconds, use.wallSeconds),
    otherCpuPercent: percentOf(use.otherCpuSeconds, use.wallSeconds),
  };
}

/**
 * autocannon against each target: a warm-up each, then `rounds` rounds that visit every target in
 * turn, so a baseline and the routes compared with it share the machine's moods (this machine is
 * shared); the median round is reported. Targets on one server keep their order within a round,
 * which the Signal routes' state relies on.
 */
export async function measureRoutes(targets: RouteTarget[], config: BenchConfig): Promise<RouteResult[]> {
  for (const target of targets) await loadRoute(target, config.routeConnections, config.warmupSeconds);
  const rounds: RouteRound[][] = targets.map(() => []);
  for (let round = 0; round < config.rounds; round += 1) {
    for (const [i, target] of targets.entries()) rounds[i]?.push(await measureRound(target, config));
  }
  return targets.map((target, i) => ({
    system: target.server.name,
    route: target.spec.route,
    ...(target.spec.shape === undefined ? {} : { shape: target.spec.shape }),
    rounds: rounds[i] ?? [],
    median: medianOf(rounds[i] ?? []),
  }));
}

const json = (peer: HttpPeer) => ({ cookie: peer.cookie, 'content-type': 'application/json' });
const sdpBody = (to: string, room: ReturnType<typeof freshRoom>) => JSON.stringify({ to, sdp: SAMPLE_SDP, room });

export const POST_SHAPE = 'POST /hello (SDP body)';
export const SDP_ANSWER_SHAPE = 'GET /hello/sdp';

/** The Express hello's routes: the plain hello, and the two shapes of Signal's SDP routes. */
export const expressHelloRoutes = (): RouteSpec[] => [
  { route: 'GET /hello', path: '/hello' },
  { route: POST_SHAPE, path: '/hello', method: 'POST', headers: { 'content-type': 'application/json' }, body: sdpBody(randomUUID(), freshRoom()) },
  { route: SDP_ANSWER_SHAPE, path: '/hello/sdp' },
];

/**
 * Every Signal route with state that makes it do its real work: two users, an offer and an answer
 * stored between them (so GETs hit), and /expire last because it removes them.
 */
export async function signalRoutes(origin: string, jwtSecret: string): Promise<RouteSpec[]> {
  const pool = new Pool(origin, { connections: 4 });
  try {
    const login = signalLogin(jwtSecret);
    const [a, b] = [await login(pool, 'route-a'), await login(pool, 'route-b')];
    const room = freshRoom();
    const api = new SignalHttpApi(pool);
    await api.postSdp(a, 'offer', b.uuid, room);
    await api.postSdp(b, 'answer', a.uuid, room);
    const query = (from: string) => `signalId=${from}&room=${room.uuid}&shortname=${room.shortname}`;
    return [
      { route: 'GET /login', path: '/login', headers: { authorization: `Bearer ${mintJwt(jwtSecret, 'route-login')}` } },
      { route: 'GET /ice_servers', path: '/ice_servers', headers: { cookie: a.cookie } },
      { route: 'POST /offer', path: '/offer', method: 'POST', headers: json(a), body: sdpBody(b.uuid, room), shape: POST_SHAPE },
      { route: 'GET /offer (200)', path: `/offer?${query(a.uuid)}`, headers: { cookie: b.cookie }, shape: SDP_ANSWER_SHAPE },
      { route: 'GET /offer (204)', path: `/offer?${query(b.uuid)}`, headers: { cookie: b.cookie } },
      { route: 'POST /answer', path: '/answer', method: 'POST', headers: json(b), body: sdpBody(a.uuid, room), shape: POST_SHAPE },
      { route: 'GET /answer (200)', path: `/answer?${query(b.uuid)}`, headers: { cookie: a.cookie }, shape: SDP_ANSWER_SHAPE },
      {
        route: 'POST /expire',
        path: '/expire',
        method: 'POST',
        headers: json(a),
        body: JSON.stringify({ source: a.uuid, type: 'offer', destination: b.uuid, room }),
      },
    ];
  } finally {
    await pool.close();
  }
}
