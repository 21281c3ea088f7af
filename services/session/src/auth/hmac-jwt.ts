import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { errors } from 'jose';

/** What jose's `jwtVerify` is given for an HMAC secret; the claim rules below are its rules for exactly these. */
export interface HmacJwtOptions {
  algorithms: readonly string[];
  issuer?: string;
  audience?: string;
  clockToleranceSeconds: number;
  nowSeconds: number;
}

const HASH_OF: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
const BASE64URL = /^[A-Za-z0-9_-]*$/;
// As jose decodes: a byte order mark is dropped, a malformed sequence refused.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * jose's decoding (atob's rules): a length of 4n+1 is refused; the unused bits of a last character
 * are ignored. Stricter in one way: the whitespace and `=` padding atob would skip are refused, as
 * token-shape.ts refuses them before this runs.
 */
function decodePart(part: string): Buffer | undefined {
  return BASE64URL.test(part) && part.length % 4 !== 1 ? Buffer.from(part, 'base64url') : undefined;
}

function jsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

const expected = (claims: Record<string, unknown>, claim: string): never => {
  throw new errors.JWTClaimValidationFailed(`unexpected "${claim}" claim value`, claims, claim, 'check_failed');
};

function numericDate(claims: Record<string, unknown>, claim: string): number | undefined {
  const value = claims[claim];
  if (value !== undefined && typeof value !== 'number') throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, claims, claim, 'invalid');
  return value;
}

/** jose's `validateClaimsSet` for the options Signal gives it: issuer, audience, clock tolerance, the current time. */
function checkRegisteredClaims(claims: Record<string, unknown>, options: HmacJwtOptions): void {
  const { issuer, audience, clockToleranceSeconds: tolerance, nowSeconds: now } = options;
  if (issuer !== undefined && !Object.hasOwn(claims, 'iss')) throw new errors.JWTClaimValidationFailed('missing required "iss" claim', claims, 'iss', 'missing');
  if (audience !== undefined && !Object.hasOwn(claims, 'aud')) throw new errors.JWTClaimValidationFailed('missing required "aud" claim', claims, 'aud', 'missing');
  if (issuer !== undefined && claims.iss !== issuer) expected(claims, 'iss');
  if (audience !== undefined) {
    const { aud } = claims;
    if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) expected(claims, 'aud');
  }
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', claims, 'nbf', 'check_failed');
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && exp <= now - tolerance) throw new errors.JWTExpired('"exp" claim timestamp check failed', claims, 'exp', 'check_failed');
}

/**
 * A compact HS256/384/512 JWT verified as jose's `jwtVerify` verifies it, step for step and with
 * its error classes (so each refusal reads the same), but synchronously with node:crypto: jose
 * verifies through WebCrypto, whose HMAC runs as a thread-pool job and cost a login ~50 µs more
 * than the MAC itself. Header, allowed algorithm, signature (constant-time, equal lengths only),
 * then the payload and the registered claims, in jose's order.
 */
export function verifyHmacJwt(token: string, secret: KeyObject, options: HmacJwtOptions): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new errors.JWSInvalid('Invalid Compact JWS');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const headerBytes = decodePart(headerPart);
  const header = headerBytes === undefined ? undefined : jsonObject(headerBytes);
  if (header === undefined) throw new errors.JWSInvalid('JWS Protected Header is invalid');
  // Stricter than jose, which takes a `crit` of ["b64"]: Signal understands no extension (token-shape.ts refuses any `crit` first).
  if (header.crit !== undefined) throw new errors.JOSENotSupported('"crit" (Critical) Header Parameter is not supported');
  const { alg } = header;
  if (typeof alg !== 'string' || alg === '') throw new errors.JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  const hash = HASH_OF[alg];
  if (!options.algorithms.includes(alg) || hash === undefined) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  const signature = decodePart(signaturePart);
  if (signature === undefined) throw new errors.JWSInvalid('Failed to base64url decode the signature');
  const mac = createHmac(hash, secret).update(`${headerPart}.${payloadPart}`).digest();
  if (signature.length !== mac.length || !timingSafeEqual(signature, mac)) throw new errors.JWSSignatureVerificationFailed();
  const payloadBytes = decodePart(payloadPart);
  if (payloadBytes === undefined) throw new errors.JWSInvalid('Failed to base64url decode the payload');
  const claims = jsonObject(payloadBytes);
  if (claims === undefined) throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  checkRegisteredClaims(claims, options);
  return claims;
}
