import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import type { Dispatcher } from 'undici';
import { login, type HttpPeer } from './clients/http-api.ts';
import { REPO_ROOT } from './lib/repo.ts';
import type { ServerSpec } from './lib/server-process.ts';

/** The server core; the load generator (this process) runs on the other. */
export const SERVER_CORE = 0;
export const LOADGEN_CORE = 1;

type Spec = Omit<ServerSpec, 'core'>;

export const RAW_HELLO: Spec = { name: 'node:http hello', args: ['bench/servers/hello-http.ts'], readyPath: '/' };
export const EXPRESS_HELLO: Spec = { name: 'Express 5 hello', args: ['bench/servers/hello-express.ts'], readyPath: '/hello' };
export const FLOOR: Spec = { name: 'protocol floor', args: ['bench/baselines/floor-handshake.ts'], readyPath: '/login' };
export const PEERJS: Spec = { name: 'PeerJS server', args: ['bench/servers/peerjs.ts'], readyPath: '/' };

export const SIGNAL_ENTRY = 'services/all-in-one/src/main.ts';
export const signalExists = (): boolean => existsSync(join(REPO_ROOT, SIGNAL_ENTRY));

/** Signal all-in-one as the bench runs it: memory store and bus, limits that would throttle a load test off. */
export function signalSpec(jwtSecret: string): Spec {
  return {
    name: 'Signal all-in-one',
    args: [SIGNAL_ENTRY],
    readyPath: '/readyz',
    env: {
      STORE: 'memory',
      BUS: 'memory',
      AUTH_JWT_SECRET: jwtSecret,
      AUTH_JWT_ISSUER: BENCH_ISSUER,
      AUTH_JWT_AUDIENCE: BENCH_AUDIENCE,
      SESSION_COOKIE_SECURE: 'false',
      RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      RATE_LIMIT_PER_SESSION_PER_MINUTE: '0',
      LONGPOLL_MAX_SECONDS: '120',
      LONGPOLL_MAX_PER_SESSION: '10000',
      LONGPOLL_MAX_PER_REPLICA: '1000000',
      // Every SDP of a run stays for SDP_TTL_SECONDS (5 min): interleaved rounds at every load fill the default 256 MB.
      MEMORY_STORE_MAX_MB: '1024',
      // Every bench client connects from loopback: one address holds thousands of long-polls.
      HTTP_MAX_CONNECTIONS_PER_CLIENT: '0',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      // As the signaling image runs it (Dockerfile).
      NODE_OPTIONS: '--max-semi-space-size=16',
    },
  };
}

/** Signal from another checkout of the repository (its own node_modules installed), to compare a change in the same run. */
export function signalSpecIn(checkout: string, jwtSecret: string): Spec {
  const spec = signalSpec(jwtSecret);
  return { ...spec, name: `${spec.name} (${basename(resolve(checkout))})`, args: [join(resolve(checkout), SIGNAL_ENTRY)] };
}

const BENCH_ISSUER = 'https://issuer.bench.invalid/';
const BENCH_AUDIENCE = 'api://signal-bench';

export const newJwtSecret = (): string => randomBytes(32).toString('hex');

export function mintJwt(secret: string, name: string): string {
  return jwt.sign({ sub: `bench-${name}`, name, uuid: randomUUID() }, secret, { algorithm: 'HS256', expiresIn: '1h', issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE });
}

/** How a harness gets a session on a server speaking Signal's protocol. */
export type Login = (pool: Dispatcher, name: string) => Promise<HttpPeer>;

export const signalLogin =
  (secret: string): Login =>
  (pool, name) =>
    login(pool, '/login', { authorization: `Bearer ${mintJwt(secret, name)}` });

export const floorLogin: Login = (pool) => login(pool, `/login?uuid=${randomUUID()}`);
