/**
 * Forged and abused JWTs on /login, against each way Signal can be given its verification key:
 * an HMAC secret, a PEM public key, and a JWKS endpoint (a real local HTTP server). Tokens are
 * built by hand with node:crypto so the attacks do not depend on the library under test.
 */
import { createHmac, createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A JWKS endpoint on a real socket, which can be taken down and brought back on the same port. */
class JwksServer {
  readonly #server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] }));
  });
  port = 0;
  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
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
const MODES: Mode[] = [
  { name: 'AUTH_JWT_SECRET', env: () => ({ ...ISSUER_ENV }), header: { alg: 'HS256', typ: 'JWT' }, sign: hmac(JWT_SECRET) },
  { name: 'AUTH_JWT_PUBLIC_KEY', env: () => ({ ...ISSUER_ENV, AUTH_JWT_SECRET: undefined, AUTH_JWT_PUBLIC_KEY: PUBLIC_PEM }), header: { alg: 'RS256', typ: 'JWT' }, sign: rsa(privateKey) },
  { name: 'AUTH_JWKS_URL', env: () => ({ ...ISSUER_ENV, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: jwks.url }), header: { alg: 'RS256', typ: 'JWT', kid: KID }, sign: rsa(privateKey) },
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

describe('key set fetched from AUTH_JWKS_URL', () => {
  test('a kid the key set does not hold is 401', async () => {
    const signal = await startSignal({ role: 'session', env: { ...ISSUER_ENV, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: jwks.url } });
    try {
      const res = await loginWith(signal, compact({ alg: 'RS256', typ: 'JWT', kid: 'no-such-key' }, claims(), rsa(privateKey)));
      expect(res).toEqual({ status: 401, body: { body: 'Invalid token: unknown signing key' }, cookie: null, retryAfter: null });
    } finally {
      await signal.shutdown();
    }
  });

  test('while the JWKS server is down login is 503 with Retry-After; when it returns, login works without a restart', async () => {
    const keys = new JwksServer();
    await keys.start();
    const signal = await startSignal({ role: 'session', env: { ...ISSUER_ENV, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: keys.url } });
    try {
      await keys.stop();
      const token = () => compact({ alg: 'RS256', typ: 'JWT', kid: KID }, claims(), rsa(privateKey));
      const down = await loginWith(signal, token());
      expect(down).toEqual({ status: 503, body: { body: 'Authentication keys unavailable' }, cookie: null, retryAfter: '1' });
      await keys.start();
      const back = await loginWith(signal, token());
      expect(back.status).toBe(200);
      expect(back.cookie).toMatch(/^sess38b9de00=/);
    } finally {
      await signal.shutdown();
      await keys.stop();
    }
  });
});
