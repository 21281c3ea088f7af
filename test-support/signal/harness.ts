import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ManualClock, type Clock } from '@signal/common/clock';
import { startService, type RunningService } from '@signal/common/http/serve';
import type { ProcessRole } from '@signal/common/config/config';
import type { Platform } from '@signal/common/runtime/platform';
import type { ServiceModule } from '@signal/common/http/create-app';
import type { Logger } from 'pino';
import { iceService } from '@signal/ice/app';
import { sessionService } from '@signal/session/app';
import { signalingService } from '@signal/signaling/app';

export const JWT_SECRET = randomBytes(32).toString('base64');
export const TURN_SECRET = 'test-turn-secret-of-thirty-two-chars';
/** The issuer and audience every test token carries and every test instance pins. */
export const TEST_ISSUER = 'https://issuer.signal.test/';
export const TEST_AUDIENCE = 'api://signal-tests';

/** The environment tests run Signal with; each test may override any variable. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SESSION_COOKIE_SECURE: 'false',
    AUTH_JWT_SECRET: JWT_SECRET,
    AUTH_JWT_ISSUER: TEST_ISSUER,
    AUTH_JWT_AUDIENCE: TEST_AUDIENCE,
    TURN_URLS: 'turns:turn-east.example.test:443,turn:turn-west.example.test:3478',
    TURN_SECRET,
    RATE_LIMIT_PER_IP_PER_MINUTE: '0',
    RATE_LIMIT_PER_SESSION_PER_MINUTE: '0',
    ...overrides,
  };
}

const SERVICES: Record<ProcessRole, (platform: Platform) => Promise<ServiceModule[]>> = {
  session: async (p) => [sessionService(p)],
  signaling: async (p) => [await signalingService(p)],
  ice: async (p) => [iceService(p)],
  'all-in-one': async (p) => [sessionService(p), await signalingService(p), iceService(p)],
};

export interface TestSignal extends RunningService {
  url: string;
  clock: Clock;
}

/** Starts Signal in this process on a free port. */
export async function startSignal(options: { role?: ProcessRole; env?: Record<string, string | undefined>; clock?: Clock; logger?: Logger } = {}): Promise<TestSignal> {
  const role = options.role ?? 'all-in-one';
  const clock = options.clock ?? new ManualClock(Date.now());
  const running = await startService({ role, env: testEnv(options.env), clock, services: SERVICES[role], ...(options.logger ? { logger: options.logger } : {}) });
  return { ...running, url: `http://127.0.0.1:${running.port}`, clock };
}

/** An upstream-style JWT for a person; `uuid` pins the peer id so tests know it in advance. */
export function tokenFor(claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}): string {
  return jwt.sign({ sub: `user-${randomUUID()}`, name: 'Test User', uuid: randomUUID(), ...claims }, JWT_SECRET, {
    algorithm: 'HS256',
    expiresIn: '10m',
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    ...options,
  });
}

export interface LoggedIn {
  cookie: string;
  uuid: string;
  body: { session: Record<string, unknown> };
}

/** Logs a new user in and returns the Cookie header value to send with later requests. */
export async function login(baseUrl: string, claims: Record<string, unknown> = {}, cookieName = 'sess38b9de00'): Promise<LoggedIn> {
  const res = await fetch(`${baseUrl}/login`, { headers: { authorization: `Bearer ${tokenFor(claims)}` } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const match = new RegExp(`${cookieName}=([^;]+)`).exec(setCookie);
  if (match === null) throw new Error(`no ${cookieName} cookie in ${setCookie}`);
  const body = (await res.json()) as LoggedIn['body'];
  return { cookie: `${cookieName}=${match[1]}`, uuid: String(body.session.uuid), body };
}

export const ROOM = { uuid: '00000000-0000-0000-0000-000000000001', shortname: 'some-four-random-words' };

export function sdpText(label: string): string {
  return `v=0\r\no=- 4287846699269234128 2 IN IP4 127.0.0.1\r\ns=${label}\r\nt=0 0\r\n`;
}

/** JSON POST with the session cookie. */
export function post(baseUrl: string, path: string, cookie: string | undefined, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function get(baseUrl: string, path: string, cookie?: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {}, ...(signal ? { signal } : {}) });
}

export function sdpQuery(signalId: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ signalId, room: ROOM.uuid, shortname: ROOM.shortname, ...extra }).toString();
}
