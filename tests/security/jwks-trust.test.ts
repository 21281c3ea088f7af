/**
 * Token trust: where the JWKS comes from and which of its keys may sign. Real JWKS endpoints on
 * loopback (an https one with a throw-away certificate, trusted through the verifier's agent only),
 * real RSA-signed tokens built with node:crypto, and Signal's own TokenVerifier and config loader.
 */
import { constants, createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '@signal/common/clock';
import { loadConfig, type AuthConfig } from '@signal/common/config/config';
import { DependencyUnavailableError } from '@signal/common/errors';
import { createTokenVerifier, type TokenVerifier } from '@signal/session/auth/token-verifier';
import { selfSignedCert } from './support/self-signed-cert.ts';

const ISSUER = 'https://login.example.test/tenant/v2.0';
const AUDIENCE = 'api://signal';
const MB = 1024 * 1024;
const TLS = selfSignedCert();
const trusting = new Agent({ ca: TLS.cert, keepAlive: false });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const rsaPair = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits });
const issuerKey = rsaPair();
const attackerKey = rsaPair();

function signed(key: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown> = {}): string {
  const input = `${b64({ typ: 'JWT', alg: 'RS256', ...header })}.${b64({ sub: `user-${randomUUID()}`, uuid: randomUUID(), iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600, ...claims })}`;
  const pss = header.alg === 'PS256';
  const signature = createSign('RSA-SHA256').update(input).sign(pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key, 'base64url');
  return `${input}.${signature}`;
}

const jwk = (key: KeyObject, extra: Record<string, unknown>) => ({ ...key.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', ...extra });
const keySet = (...keys: object[]) => JSON.stringify({ keys });

/** An endpoint on a real loopback socket that answers every request with `handler`, counting them. */
class Endpoint {
  requests = 0;
  readonly #server: Server;
  readonly #scheme: 'http' | 'https';
  constructor(scheme: 'http' | 'https', handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.#scheme = scheme;
    const counted = (req: IncomingMessage, res: ServerResponse) => {
      this.requests += 1;
      handler(req, res);
    };
    this.#server = scheme === 'https' ? createHttpsServer({ key: TLS.key, cert: TLS.cert }, counted) : createHttpServer(counted);
  }
  get url(): string {
    return `${this.#scheme}://127.0.0.1:${(this.#server.address() as AddressInfo).port}/keys`;
  }
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}

const answer = (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, headers).end(body);
};

const endpoints: Endpoint[] = [];
async function endpoint(scheme: 'http' | 'https', handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Endpoint> {
  const started = await new Endpoint(scheme, handler).start();
  endpoints.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.stop()));
});
afterAll(() => trusting.destroy());

function verifierFor(jwksUrl: string): TokenVerifier {
  const auth: AuthConfig = { mode: 'jwks', jwksUrl, refreshSeconds: 60, algorithms: ['RS256', 'PS256'], issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30, maxAgeSeconds: 86_400 };
  return createTokenVerifier(auth, new ManualClock(Date.now()), { jwksAgent: trusting });
}

/** What the login handler makes of a verification: the peer's uuid, or the status it answers. */
async function outcome(verify: TokenVerifier, token: string): Promise<string | number> {
  try {
    return String((await verify(token)).uuid);
  } catch (error) {
    if (error instanceof DependencyUnavailableError) return 503;
    return (error as { status?: number }).status ?? 500;
  }
}

describe('the JWKS fetch takes the key set from the configured URL only', () => {
  test('control: an https endpoint answering 200 application/json serves the issuer’s key', async () => {
    const genuine = await endpoint('https', answer(200, keySet(jwk(issuerKey.publicKey, { kid: 'k1' }))));
    expect(await outcome(verifierFor(genuine.url), signed(issuerKey.privateKey, { kid: 'k1' }, { uuid: 'peer-1' }))).toBe('peer-1');
  });

  test.each([
    ['301 from https to an http address on another origin', 'https', 301, 'http'],
    ['302 from https to another https origin', 'https', 302, 'https'],
    ['307 from http (the test-only setting) to another origin', 'http', 307, 'http'],
  ] as const)('%s: the attacker’s key set is never fetched and their token gets no session', async (_name, from, status, to) => {
    const attacker = await endpoint(to, answer(200, keySet(jwk(attackerKey.publicKey, { kid: 'k1' }))));
    const configured = await endpoint(from, (_req, res) => res.writeHead(status, { location: attacker.url }).end());
    const verify = verifierFor(configured.url);
    expect(await outcome(verify, signed(attackerKey.privateKey, { kid: 'k1' }, { uuid: 'attacker-chosen-peer' }))).toBe(503);
    expect(attacker.requests).toBe(0);
  });

  test.each([
    ['203 Non-Authoritative Information', answer(203, keySet(jwk(attackerKey.publicKey, { kid: 'k1' })))],
    ['200 served as text/html', answer(200, keySet(jwk(attackerKey.publicKey, { kid: 'k1' })), { 'content-type': 'text/html' })],
    ['200 without a content type', answer(200, keySet(jwk(attackerKey.publicKey, { kid: 'k1' })), {})],
  ])('%s is not a key set: 503, no session', async (_name, handler) => {
    const configured = await endpoint('http', handler);
    expect(await outcome(verifierFor(configured.url), signed(attackerKey.privateKey, { kid: 'k1' }))).toBe(503);
  });
});

describe('only keys fit for the token’s algorithm and for signatures verify it', () => {
  const small = rsaPair(1024);
  test.each([
    ['a JWK marked RS256 does not verify a PS256 token', () => jwk(issuerKey.publicKey, { kid: 'k1' }), () => signed(issuerKey.privateKey, { kid: 'k1', alg: 'PS256' })],
    ['a key with key_ops ["encrypt"] is not used for signatures', () => jwk(issuerKey.publicKey, { kid: 'k1', use: undefined, key_ops: ['encrypt'] }), () => signed(issuerKey.privateKey, { kid: 'k1' })],
    ['a 1024-bit RSA key is refused', () => jwk(small.publicKey, { kid: 'k1' }), () => signed(small.privateKey, { kid: 'k1' })],
  ])('%s: 401', async (_name, published, token) => {
    const keys = await endpoint('http', answer(200, keySet(published())));
    expect(await outcome(verifierFor(keys.url), token())).toBe(401);
  });

  test('a 1024-bit RSA AUTH_JWT_PUBLIC_KEY is refused at start-up, naming the variable', () => {
    const auth = (key: KeyObject): AuthConfig => ({ mode: 'public-key', publicKey: key.export({ type: 'spki', format: 'pem' }).toString(), algorithms: ['RS256'], issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30, maxAgeSeconds: 86_400 });
    expect(() => createTokenVerifier(auth(small.publicKey), new ManualClock())).toThrow('AUTH_JWT_PUBLIC_KEY is an RSA key under 2048 bits');
    expect(() => createTokenVerifier(auth(issuerKey.publicKey), new ManualClock())).not.toThrow();
  });

  test('two keys under one kid: a token signed by either verifies', async () => {
    const next = rsaPair();
    const keys = await endpoint('http', answer(200, keySet(jwk(issuerKey.publicKey, { kid: 'dup' }), jwk(next.publicKey, { kid: 'dup' }))));
    const verify = verifierFor(keys.url);
    expect(await outcome(verify, signed(issuerKey.privateKey, { kid: 'dup' }, { uuid: 'first' }))).toBe('first');
    expect(await outcome(verify, signed(next.privateKey, { kid: 'dup' }, { uuid: 'second' }))).toBe('second');
    expect(await outcome(verify, signed(attackerKey.privateKey, { kid: 'dup' }))).toBe(401);
  });
});

test('a 200 MB JWKS body is dropped at the size cap: RSS grows by under 40 MB and login is 503', async () => {
  const chunk = Buffer.alloc(MB, 0x20);
  let sent = 0;
  const huge = await endpoint('http', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"keys":[');
    const pump = () => {
      while (sent < 200 * MB) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end(']}');
    };
    res.on('error', () => {});
    pump();
  });
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    expect(await outcome(verifierFor(huge.url), signed(issuerKey.privateKey, { kid: 'k1' }))).toBe(503);
    peak = Math.max(peak, process.memoryUsage().rss);
  } finally {
    clearInterval(sampler);
  }
  console.log(`JWKS body: ${(sent / MB).toFixed(0)} MB sent, RSS ${(before / MB).toFixed(0)} MB before, peak ${(peak / MB).toFixed(0)} MB`);
  expect((peak - before) / MB).toBeLessThan(40);
}, 30_000);

describe('configuration', () => {
  const load = (env: Record<string, string>) => () => loadConfig(env, 'session', () => 'dev-secret');
  const pinned = { AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE };

  test('an http AUTH_JWKS_URL is refused with a line naming the variable, unless the test-only escape hatch is set', () => {
    expect(load({ ...pinned, AUTH_JWKS_URL: 'http://idp.example.test/keys' })).toThrow(/AUTH_JWKS_URL must be an https: URL/);
    expect(load({ ...pinned, AUTH_JWKS_URL: 'https://idp.example.test/keys' })).not.toThrow();
    expect(load({ ...pinned, AUTH_JWKS_URL: 'http://127.0.0.1:1/keys', AUTH_JWKS_ALLOW_HTTP_FOR_TESTS: 'true' })).not.toThrow();
  });

  test.each([
    ['AUTH_JWT_SECRET', { AUTH_JWT_SECRET: 'x'.repeat(32) }],
    ['AUTH_JWT_PUBLIC_KEY', { AUTH_JWT_PUBLIC_KEY: issuerKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: 'https://idp.example.test/keys' }],
  ])('with %s, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE are both required', (_name, keys) => {
    expect(load(keys)).toThrow(/AUTH_JWT_ISSUER is required[\s\S]*AUTH_JWT_AUDIENCE is required/);
    expect(load({ ...keys, AUTH_JWT_ISSUER: ISSUER })).toThrow(/AUTH_JWT_AUDIENCE is required/);
    expect(load({ ...keys, ...pinned })).not.toThrow();
  });

  test('dev mode (the all-in-one process with no key configured) needs neither', () => {
    expect(() => loadConfig({}, 'all-in-one', () => 'dev-secret')).not.toThrow();
  });
});
