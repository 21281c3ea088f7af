/**
 * Forged and abused JWTs on /login, against each way Signal can be given its verification key:
 * an HMAC secret, a PEM public key, and a JWKS endpoint (a real local HTTP server). Tokens are
 * built by hand with node:crypto so the attacks do not depend on the library under test.
 */
import { createHmac, createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ManualClock } from '@signal/common/clock';
import { JWT_SECRET, startSignal, type TestSignal } from '../../test-support/signal/harness.ts';

const ISSUER = 'https://login.example.test/tenant';
const AUDIENCE = 'api://signal';
const KID = 'signing-key-1';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

type Signer = (input: string) => string;
const hmac = (secret: string | Buffer): Signer => (input) => createHmac('sha256', secret).update(input).digest('base64url');
const rsa = (key: KeyObject): Signer => (input) => createSign('RSA-SHA256').update(input).sign(key, 'base64url');

function compact(header: object, payload: object | string, sign: Signer | undefined): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign === undefined ? '' : sign(input)}`;
}

const now = () => Math.floor(Date.now() / 1000);
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { sub: `user-${randomUUID()}`, name: 'Eve', uuid: randomUUID(), iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600 };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

/**
 * A JWKS endpoint on a real socket, which can be taken down and brought back on the same port,
 * publish more keys (a rotation), and counts the fetches it served.
 */
class JwksServer {
  readonly #published: object[] = [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }];
  fetches = 0;
  readonly #server: Server = createServer((req, res) => {
    this.fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: this.#published }));
  });
  port = 0;
  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }
  publish(kid: string, key: KeyObject): void {
    this.#published.push({ ...key.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' });
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}

async function loginWith(signal: TestSignal, token: string): Promise<{ status: number; body: unknown; cookie: string | null; retryAfter: string | null }> {
  const res = await fetch(`${signal.url}/login`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json(), cookie: res.headers.get('set-cookie'), retryAfter: res.headers.get('retry-after') };
}

interface Mode {
  name: string;
  env: () => Record<string, string | undefined>;
  /** Signs the way the real issuer does. */
  header: object;
  sign: Signer;
}

const jwks = new JwksServer();
const ISSUER_ENV = { AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE };
/** The JWKS stand-ins serve plain http on loopback. */
const JWKS_ENV = { ...ISSUER_ENV, AUTH_JWT_SECRET: undefined, AUTH_JWKS_ALLOW_HTTP_FOR_TESTS: 'true' };
const MODES: Mode[] = [
  { name: 'AUTH_JWT_SECRET', env: () => ({ ...ISSUER_ENV }), header: { alg: 'HS256', typ: 'JWT' }, sign: hmac(JWT_SECRET) },
  { name: 'AUTH_JWT_PUBLIC_KEY', env: () => ({ ...ISSUER_ENV, AUTH_JWT_SECRET: undefined, AUTH_JWT_PUBLIC_KEY: PUBLIC_PEM }), header: { alg: 'RS256', typ: 'JWT' }, sign: rsa(privateKey) },
  { name: 'AUTH_JWKS_URL', env: () => ({ ...JWKS_ENV, AUTH_JWKS_URL: jwks.url }), header: { alg: 'RS256', typ: 'JWT', kid: KID }, sign: rsa(privateKey) },
];

beforeAll(() => jwks.start());
afterAll(() => jwks.stop());

describe.each(MODES)('with $name', (mode) => {
  let signal: TestSignal;
  beforeAll(async () => {
    signal = await startSignal({ role: 'session', env: mode.env() });
  });
  afterAll(() => signal.shutdown());

  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const cases: [string, () => string, string][] = [
    ['alg none, no signature', () => compact({ alg: 'none', typ: 'JWT' }, claims(), undefined), 'Invalid token'],
    ['alg none with a signature', () => compact({ ...mode.header, alg: 'none' }, claims(), mode.sign), 'Invalid token: algorithm not allowed'],
    ['HS256 keyed with the RSA public key PEM (key confusion)', () => compact({ ...mode.header, alg: 'HS256' }, claims(), hmac(PUBLIC_PEM)), mode.name === 'AUTH_JWT_SECRET' ? 'Invalid token: bad signature' : 'Invalid token: algorithm not allowed'],
    ['RS256 signed by a key of the attacker', () => compact({ ...mode.header, alg: 'RS256' }, claims(), rsa(attacker)), mode.name === 'AUTH_JWT_SECRET' ? 'Invalid token: algorithm not allowed' : 'Invalid token: bad signature'],
    ['expired an hour ago', () => compact(mode.header, claims({ iat: now() - 7200, exp: now() - 3600 }), mode.sign), 'Token expired'],
    ['nbf an hour ahead', () => compact(mode.header, claims({ nbf: now() + 3600 }), mode.sign), 'Token not yet valid'],
    ['a wrong issuer', () => compact(mode.header, claims({ iss: 'https://evil.example.test/' }), mode.sign), 'Invalid token: wrong issuer'],
    ['no issuer', () => compact(mode.header, claims({ iss: undefined }), mode.sign), 'Invalid token: wrong issuer'],
    ['a wrong audience', () => compact(mode.header, claims({ aud: 'api://other' }), mode.sign), 'Invalid token: wrong audience'],
    ['over 8 KiB, validly signed', () => compact(mode.header, claims({ padding: 'x'.repeat(8192) }), mode.sign), 'Token too large'],
    ['no sub, validly signed', () => compact(mode.header, claims({ sub: undefined }), mode.sign), 'Token has no subject'],
    [
      'a payload changed after signing',
      () => {
        const [header, , signature] = compact(mode.header, claims(), mode.sign).split('.');
        return `${header}.${b64(claims({ sub: 'admin' }))}.${signature}`;
      },
      'Invalid token: bad signature',
    ],
    ['the signature stripped', () => compact(mode.header, claims(), mode.sign).replace(/[^.]+$/, ''), 'Invalid token'],
    ['a typ JWT header over a non-JSON payload', () => compact(mode.header, 'not json', mode.sign), 'Invalid token'],
    ['a sub holding a lone UTF-16 surrogate, validly signed', () => compact(mode.header, claims({ sub: 'user-\ud800' }), mode.sign), 'Invalid token: malformed claim'],
    ['a name holding a lone UTF-16 surrogate, validly signed', () => compact(mode.header, claims({ name: '\udfff' }), mode.sign), 'Invalid token: malformed claim'],
    ['no exp, validly signed', () => compact(mode.header, claims({ exp: undefined }), mode.sign), 'Invalid token: no expiry'],
    ['exp 1e999 (Infinity once parsed), validly signed', () => compact(mode.header, JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e999'), mode.sign), 'Invalid token: no expiry'],
    ['exp 25 hours after iat, validly signed', () => compact(mode.header, claims({ exp: now() + 25 * 3600 }), mode.sign), 'Invalid token: lifetime too long'],
    ['exp 25 hours ahead and no iat, validly signed', () => compact(mode.header, claims({ iat: undefined, exp: now() + 25 * 3600 }), mode.sign), 'Invalid token: lifetime too long'],
    ['iat a week ago and exp still ahead, validly signed', () => compact(mode.header, claims({ iat: now() - 7 * 86_400 }), mode.sign), 'Invalid token: lifetime too long'],
    ['a crit header naming an unknown extension, validly signed', () => compact({ ...mode.header, crit: ['urn:example:x'], 'urn:example:x': 1 }, claims(), mode.sign), 'Invalid token: unsupported critical header'],
  ];

  test('a token signed as the real issuer does is accepted (the cases below differ from it in one way each)', async () => {
    const res = await loginWith(signal, compact(mode.header, claims(), mode.sign));
    expect(res.status).toBe(200);
    expect(res.cookie).toMatch(/^sess38b9de00=/);
  });

  test.each(cases)('%s: 401 and no session', async (_name, token, message) => {
    const res = await loginWith(signal, token());
    expect(res).toEqual({ status: 401, body: { body: message }, cookie: null, retryAfter: null });
  });
});

test('an iss holding a lone surrogate is 401, not 500 (it never matches the pinned issuer, so the peer id derivation never sees it)', async () => {
  const signal = await startSignal({ role: 'session', env: ISSUER_ENV });
  try {
    const token = compact({ alg: 'HS256', typ: 'JWT' }, claims({ iss: 'https://login.example.test/\ud83d', uuid: undefined }), hmac(JWT_SECRET));
    expect(await loginWith(signal, token)).toEqual({ status: 401, body: { body: 'Invalid token: wrong issuer' }, cookie: null, retryAfter: null });
  } finally {
    await signal.shutdown();
  }
});

test('AUTH_JWT_MAX_AGE_SECONDS bounds the token life: an hour-long token is refused at 1800', async () => {
  const signal = await startSignal({ role: 'session', env: { ...ISSUER_ENV, AUTH_JWT_MAX_AGE_SECONDS: '1800' } });
  try {
    const sign = (lifetime: number) => compact({ alg: 'HS256', typ: 'JWT' }, claims({ exp: now() + lifetime }), hmac(JWT_SECRET));
    expect((await loginWith(signal, sign(3600))).body).toEqual({ body: 'Invalid token: lifetime too long' });
    expect((await loginWith(signal, sign(1800))).status).toBe(200);
  } finally {
    await signal.shutdown();
  }
});

describe('JWKS lock-out: unknown kids cost the attacker a 401 and nothing else', () => {
  const REFRESH_SECONDS = 60;
  const signedBy = (key: KeyObject, kid: string) => compact({ alg: 'RS256', typ: 'JWT', kid }, claims(), rsa(key));
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const randomKids = (count: number) => Array.from({ length: count }, () => signedBy(attacker, randomUUID()));
  const UNKNOWN = { status: 401, body: { body: 'Invalid token: unknown signing key' }, cookie: null, retryAfter: null };

  test('one refresh per interval serves every unknown kid; a rotated key works on its first login after the interval; cached keys outlive a JWKS outage', async () => {
    const keys = new JwksServer();
    await keys.start();
    const signal = await startSignal({ role: 'session', env: { ...JWKS_ENV, AUTH_JWKS_URL: keys.url, AUTH_JWKS_REFRESH_SECONDS: String(REFRESH_SECONDS) } });
    const clock = signal.clock as ManualClock;
    try {
      // The red team's flood: far more unknown kids than jwks-rsa's 10 fetches a minute.
      const flood = await Promise.all(randomKids(40).map((token) => loginWith(signal, token)));
      expect(flood).toEqual(flood.map(() => UNKNOWN));
      expect(keys.fetches).toBe(1);
      expect((await loginWith(signal, signedBy(privateKey, KID))).status).toBe(200);

      // A key published now is not yet fetched: 401, and still no extra fetch within the interval.
      const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
      keys.publish('signing-key-2', rotated.publicKey);
      expect(await loginWith(signal, signedBy(rotated.privateKey, 'signing-key-2'))).toEqual(UNKNOWN);
      for (const token of randomKids(20)) expect(await loginWith(signal, token)).toEqual(UNKNOWN);
      expect(keys.fetches).toBe(1);

      // Refused before any key lookup: a disallowed alg or a malformed header never causes a fetch.
      clock.advance(REFRESH_SECONDS * 1000);
      expect((await loginWith(signal, compact({ alg: 'HS256', typ: 'JWT', kid: randomUUID() }, claims(), hmac('x')))).body).toEqual({ body: 'Invalid token: algorithm not allowed' });
      expect((await loginWith(signal, `${b64('{not json')}.${b64(claims())}.c2ln`)).body).toEqual({ body: 'Invalid token' });
      expect((await loginWith(signal, signedBy(attacker, 'k'.repeat(300)))).body).toEqual({ body: 'Invalid token' });
      expect(keys.fetches).toBe(1);

      // After the interval: one fetch serves the rotated key and a new flood of unknown kids alike.
      const [first, ...rest] = await Promise.all([signedBy(rotated.privateKey, 'signing-key-2'), ...randomKids(40)].map((token) => loginWith(signal, token)));
      expect(first?.status).toBe(200);
      expect(rest).toEqual(rest.map(() => UNKNOWN));
      expect(keys.fetches).toBe(2);

      // The endpoint goes down and the set grows old: cached keys still work, unknown kids stay 401.
      await keys.stop();
      clock.advance(11 * 60_000);
      expect((await loginWith(signal, signedBy(privateKey, KID))).status).toBe(200);
      expect((await loginWith(signal, signedBy(rotated.privateKey, 'signing-key-2'))).status).toBe(200);
      expect(await loginWith(signal, randomKids(1)[0]!)).toEqual(UNKNOWN);
    } finally {
      await signal.shutdown();
      await keys.stop().catch(() => {});
    }
  }, 30_000);
});

describe('key set fetched from AUTH_JWKS_URL', () => {
  test('a kid the key set does not hold is 401', async () => {
    const signal = await startSignal({ role: 'session', env: { ...JWKS_ENV, AUTH_JWKS_URL: jwks.url } });
    try {
      const res = await loginWith(signal, compact({ alg: 'RS256', typ: 'JWT', kid: 'no-such-key' }, claims(), rsa(privateKey)));
      expect(res).toEqual({ status: 401, body: { body: 'Invalid token: unknown signing key' }, cookie: null, retryAfter: null });
    } finally {
      await signal.shutdown();
    }
  });

  test('while the JWKS server is down login is 503 with Retry-After; when it returns, login works after Retry-After without a restart', async () => {
    const keys = new JwksServer();
    await keys.start();
    const signal = await startSignal({ role: 'session', env: { ...JWKS_ENV, AUTH_JWKS_URL: keys.url } });
    try {
      await keys.stop();
      const token = () => compact({ alg: 'RS256', typ: 'JWT', kid: KID }, claims(), rsa(privateKey));
      const down = await loginWith(signal, token());
      expect(down).toEqual({ status: 503, body: { body: 'Authentication keys unavailable' }, cookie: null, retryAfter: '1' });
      await keys.start();
      (signal.clock as ManualClock).advance(1000);
      const back = await loginWith(signal, token());
      expect(back.status).toBe(200);
      expect(back.cookie).toMatch(/^sess38b9de00=/);
    } finally {
      await signal.shutdown();
      await keys.stop();
    }
  });
});
