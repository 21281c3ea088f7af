import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { startCoturn, type Coturn } from '../../../test-support/coturn/coturn.ts';
import { SignalClient, type SignalClientOptions } from '../../../services/all-in-one/public/demo/signal-client.js';
import { ensureCoturn } from '../../../test-support/coturn/coturn.ts';
import { sessionFetch, type SessionFetch, type SessionFetchOptions } from './session-fetch.ts';
import { startSignal, type SignalServer } from './signal-server.ts';

const E2E_ISSUER = 'https://issuer.e2e.invalid/';
const E2E_AUDIENCE = 'api://signal-e2e';

export interface Stack {
  coturn: Coturn;
  signal: SignalServer;
  turnSecret: string;
  /** Undefined in dev mode, where the page asks Signal's /dev/token instead. */
  jwtSecret: string | undefined;
  stop(): Promise<void>;
}

/**
 * A real coturn and Signal all-in-one wired together: Signal hands out credentials for that coturn
 * only, relay-only, with rate limits off (a test run is one IP making many requests).
 */
export async function startStack(options: { devMode?: boolean; env?: Record<string, string> } = {}): Promise<Stack> {
  await ensureCoturn();
  const turnSecret = randomBytes(24).toString('base64url');
  const jwtSecret = options.devMode ? undefined : randomBytes(32).toString('base64');
  const coturn = await startCoturn({ secret: turnSecret });
  let signal: SignalServer;
  try {
    signal = await startSignal({
      LOG_LEVEL: 'warn',
      SESSION_COOKIE_SECURE: 'false',
      TURN_URLS: coturn.url,
      TURN_SECRET: turnSecret,
      ICE_TRANSPORT_POLICY: 'relay',
      RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      RATE_LIMIT_PER_SESSION_PER_MINUTE: '0',
      ...(jwtSecret ? { AUTH_JWT_SECRET: jwtSecret, AUTH_JWT_ISSUER: E2E_ISSUER, AUTH_JWT_AUDIENCE: E2E_AUDIENCE } : {}),
      ...options.env,
    });
  } catch (error) {
    await coturn.stop();
    throw error;
  }
  return {
    coturn,
    signal,
    turnSecret,
    jwtSecret,
    async stop() {
      await Promise.all([signal.stop(), coturn.stop()]);
    },
  };
}

export interface TestUser extends Pick<SessionFetch, 'requests' | 'sent'> {
  client: SignalClient;
  uuid: string;
}

/** A new person with their own upstream JWT, logged in through the browser client module. */
export async function logIn(
  stack: Stack,
  name: string,
  options: Omit<SignalClientOptions, 'fetch'> = {},
  wire: SessionFetchOptions = {},
): Promise<TestUser> {
  if (!stack.jwtSecret) throw new Error('logIn needs a stack with AUTH_JWT_SECRET (not dev mode)');
  const uuid = randomUUID();
  const token = jwt.sign({ sub: `${name}-${uuid}`, name, uuid }, stack.jwtSecret, { algorithm: 'HS256', expiresIn: '10m', issuer: E2E_ISSUER, audience: E2E_AUDIENCE });
  const { fetch, requests, sent } = sessionFetch(wire);
  const client = new SignalClient({ baseUrl: stack.signal.baseUrl, fetch, ...options });
  const session = await client.login(token);
  if (session.uuid !== uuid) throw new Error(`Signal gave ${name} peer id ${session.uuid}, not the token's uuid claim ${uuid}`);
  return { client, uuid, requests, sent };
}

/** A fresh room per test, so no SDP slot is shared between tests. */
export function newRoom(): { uuid: string; shortname: string } {
  return { uuid: randomUUID(), shortname: 'end-to-end-room' };
}
