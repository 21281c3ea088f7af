/**
 * The synchronous HMAC verification against jose's `jwtVerify`, which it stands in for: on every
 * token Signal's shape check lets through the two must agree (same claims, or the same refusal as
 * `reason()` reads it: error class, claim, reason), and on any token the synchronous path may
 * accept only what jose accepts. Tokens are built by hand with node:crypto.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { verifyHmacJwt, type HmacJwtOptions } from '../src/auth/hmac-jwt.ts';
import { checkUnverified } from '../src/auth/token-shape.ts';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes';
const KEY = createSecretKey(Buffer.from(SECRET));
const NOW = 1_800_000_000;
const ISSUER = 'https://login.example.test/';
const AUDIENCE = 'api://signal';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const HASH: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
const mac = (alg: string, secret: string, input: string) => createHmac(HASH[alg] ?? 'sha256', secret).update(input).digest('base64url');

function token(header: unknown, payload: unknown, sign: { alg: string; secret: string } | undefined): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign === undefined ? '' : mac(sign.alg, sign.secret, input)}`;
}

type Outcome = { claims: unknown } | { refused: string };

function refusal(error: unknown): Outcome {
  const { claim, reason } = error as { claim?: string; reason?: string };
  return { refused: [(error as object).constructor.name, claim, reason].filter((part) => part !== undefined).join(' ') };
}

async function throughJose(jwt: string, options: HmacJwtOptions): Promise<Outcome> {
  try {
    const { payload } = await jwtVerify(jwt, KEY, {
      algorithms: [...options.algorithms],
      clockTolerance: options.clockToleranceSeconds,
      currentDate: new Date(options.nowSeconds * 1000),
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      ...(options.audience === undefined ? {} : { audience: options.audience }),
    });
    return { claims: payload };
  } catch (error) {
    return refusal(error);
  }
}

function throughNodeCrypto(jwt: string, options: HmacJwtOptions): Outcome {
  try {
    return { claims: verifyHmacJwt(jwt, KEY, options) };
  } catch (error) {
    return refusal(error);
  }
}

function passesShapeCheck(jwt: string, algorithms: readonly string[]): boolean {
  try {
    checkUnverified(jwt, algorithms);
    return true;
  } catch {
    return false;
  }
}

const OPTIONS: HmacJwtOptions = { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30, nowSeconds: NOW };
const CLAIMS = { sub: 'user-1', iss: ISSUER, aud: AUDIENCE, iat: NOW - 10, exp: NOW + 600 };
const VALID = token({ alg: 'HS256', typ: 'JWT' }, CLAIMS, { alg: 'HS256', secret: SECRET });
const [HEADER = '', PAYLOAD = '', SIGNATURE = ''] = VALID.split('.');

describe('refused the same way as by jose', () => {
  const cases: [string, string, HmacJwtOptions?][] = [
    ['a valid token (accepted by both)', VALID],
    ['signed with another secret (forged)', token({ alg: 'HS256' }, CLAIMS, { alg: 'HS256', secret: `${SECRET}-not` })],
    ['alg HS384 in the header over an HS256 MAC', token({ alg: 'HS384' }, CLAIMS, { alg: 'HS256', secret: SECRET }), { ...OPTIONS, algorithms: ['HS256', 'HS384'] }],
    ['alg HS384 when only HS256 is allowed', token({ alg: 'HS384' }, CLAIMS, { alg: 'HS384', secret: SECRET })],
    ['alg none, no signature', token({ alg: 'none' }, CLAIMS, undefined)],
    ['alg none with an HS256 MAC', token({ alg: 'none' }, CLAIMS, { alg: 'HS256', secret: SECRET })],
    ['alg RS256 over an HMAC', token({ alg: 'RS256' }, CLAIMS, { alg: 'HS256', secret: SECRET })],
    ['the signature truncated by one character', VALID.slice(0, -1)],
    ['the signature truncated to 41 characters (a 4n+1 length)', `${HEADER}.${PAYLOAD}.${SIGNATURE.slice(0, 41)}`],
    ['the signature one character longer', `${VALID}A`],
    ['the signature stripped', `${HEADER}.${PAYLOAD}.`],
    ['the payload changed after signing', `${HEADER}.${b64({ ...CLAIMS, sub: 'admin' })}.${SIGNATURE}`],
    ['the header changed after signing', `${b64({ alg: 'HS256', typ: 'JWT', kid: 'x' })}.${PAYLOAD}.${SIGNATURE}`],
    ['a fourth part', `${VALID}.${SIGNATURE}`],
    ['two parts', `${HEADER}.${PAYLOAD}`],
    ['expired beyond the tolerance', token({ alg: 'HS256' }, { ...CLAIMS, exp: NOW - 31 }, { alg: 'HS256', secret: SECRET })],
    ['expired within the tolerance', token({ alg: 'HS256' }, { ...CLAIMS, exp: NOW - 30 }, { alg: 'HS256', secret: SECRET })],
    ['nbf beyond the tolerance', token({ alg: 'HS256' }, { ...CLAIMS, nbf: NOW + 31 }, { alg: 'HS256', secret: SECRET })],
    ['no issuer', token({ alg: 'HS256' }, { ...CLAIMS, iss: undefined }, { alg: 'HS256', secret: SECRET })],
    ['no audience and no issuer', token({ alg: 'HS256' }, { sub: 'u', exp: NOW + 60 }, { alg: 'HS256', secret: SECRET })],
    ['the audience among others', token({ alg: 'HS256' }, { ...CLAIMS, aud: ['api://other', AUDIENCE] }, { alg: 'HS256', secret: SECRET })],
    ['an exp that is a string', token({ alg: 'HS256' }, { ...CLAIMS, exp: String(NOW + 60) }, { alg: 'HS256', secret: SECRET })],
    ['an iat that is null', token({ alg: 'HS256' }, { ...CLAIMS, iat: null }, { alg: 'HS256', secret: SECRET })],
    ['a payload that is an array', token({ alg: 'HS256' }, [CLAIMS], { alg: 'HS256', secret: SECRET })],
  ];

  test.each(cases)('%s', async (_name, jwt, options = OPTIONS) => {
    expect(throughNodeCrypto(jwt, options)).toEqual(await throughJose(jwt, options));
  });

  // The shape check refuses any crit before either; jose would accept a crit of ["b64"] with "b64": true.
  test('a header with a crit: refused by both', async () => {
    const jwt = token({ alg: 'HS256', crit: ['b64'], b64: true }, CLAIMS, { alg: 'HS256', secret: SECRET });
    expect(throughNodeCrypto(jwt, OPTIONS)).toEqual({ refused: 'JOSENotSupported' });
    expect(passesShapeCheck(jwt, OPTIONS.algorithms)).toBe(false);
  });

  test('a payload of malformed UTF-8, validly signed: refused by both', async () => {
    const input = `${HEADER}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}`;
    const jwt = `${input}.${mac('HS256', SECRET, input)}`;
    const outcome = throughNodeCrypto(jwt, OPTIONS);
    expect(outcome).toEqual(await throughJose(jwt, OPTIONS));
    expect(outcome).toEqual({ refused: 'JWTInvalid' });
  });
});

describe('any token', () => {
  const algorithms = fc.constantFrom<readonly string[]>(['HS256'], ['HS384'], ['HS256', 'HS384', 'HS512']);
  // Weighted towards tokens that get far: most are well-formed, signed with the secret, and near their time bounds.
  const claimValue = fc.oneof({ arbitrary: fc.integer({ min: NOW - 120, max: NOW + 120 }), weight: 6 }, { arbitrary: fc.constant(undefined), weight: 3 }, fc.constant(null), fc.string(), fc.double());
  const claims = fc.record({
    sub: fc.oneof(fc.string(), fc.constant(undefined)),
    iss: fc.constantFrom(ISSUER, ISSUER, ISSUER, 'https://other.example.test/', undefined, 7),
    aud: fc.constantFrom(AUDIENCE, AUDIENCE, AUDIENCE, 'api://other', [AUDIENCE], ['api://other', AUDIENCE], [1], undefined),
    iat: claimValue,
    nbf: claimValue,
    exp: claimValue,
  });
  const header = fc.record({
    alg: fc.constantFrom('HS256', 'HS256', 'HS384', 'HS512', 'none', 'RS256', '', 1),
    typ: fc.constantFrom('JWT', undefined),
    crit: fc.constantFrom(undefined, undefined, undefined, undefined, ['b64'], [], 'b64'),
    b64: fc.constantFrom(undefined, undefined, true, false),
  });
  const signer = fc.record({ alg: fc.constantFrom('HS256', 'HS256', 'HS384', 'HS512'), secret: fc.constantFrom(SECRET, SECRET, SECRET, `${SECRET}x`) });
  // Edits an attacker can make to any part: cut it, extend it, change or insert a character.
  const edit = fc.record({
    part: fc.integer({ min: 0, max: 2 }),
    kind: fc.constantFrom('none', 'none', 'none', 'none', 'cut', 'append', 'replace', 'insert'),
    at: fc.nat(),
    char: fc.constantFrom('A', 'B', 'Q', 'g', '_', '-', '=', '+', '/', ' ', '.', '\u00e9'),
  });
  const apply = (jwt: string, { part, kind, at, char }: { part: number; kind: string; at: number; char: string }): string => {
    const parts = jwt.split('.');
    const text = parts[part] ?? '';
    const i = text.length === 0 ? 0 : at % text.length;
    if (kind === 'cut') parts[part] = text.slice(0, i);
    if (kind === 'append') parts[part] = text + char;
    if (kind === 'replace') parts[part] = text.slice(0, i) + char + text.slice(i + 1);
    if (kind === 'insert') parts[part] = text.slice(0, i) + char + text.slice(i);
    return parts.join('.');
  };

  test('agree with jose on what the shape check lets through, and never accept what jose refuses', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(header, claims, fc.option(signer), edit, algorithms, fc.integer({ min: 0, max: 60 }), async (h, c, sign, change, allowed, tolerance) => {
        const jwt = apply(token(h, c, sign ?? undefined), change);
        const options: HmacJwtOptions = { algorithms: allowed, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: tolerance, nowSeconds: NOW };
        const ours = throughNodeCrypto(jwt, options);
        const jose = await throughJose(jwt, options);
        if (passesShapeCheck(jwt, allowed)) {
          expect(ours).toEqual(jose);
          seen.add('claims' in ours ? 'accepted' : ours.refused);
        } else if ('claims' in ours) {
          expect(jose).toEqual(ours);
        }
      }),
      { numRuns: 3000 },
    );
    // The comparison covers acceptance and each kind of refusal, not only malformed tokens.
    expect([...seen].sort()).toEqual(expect.arrayContaining(['JWSInvalid', 'JWSSignatureVerificationFailed', 'JWTClaimValidationFailed aud check_failed', 'JWTClaimValidationFailed nbf check_failed', 'JWTExpired exp check_failed', 'accepted']));
  });
});
