import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { Agent } from 'node:https';
import { errors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { Clock } from '@signal/common/clock';
import type { AuthConfig } from '@signal/common/config/config';
import { DependencyUnavailableError, unauthorized } from '@signal/common/errors';
import { JwksKeySet, MIN_RSA_BITS } from './jwks-key-set.ts';
import { checkClaims, checkUnverified } from './token-shape.ts';

/** Verifies an upstream JWT and returns its claims, or throws a 401 saying why not. */
export type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

export const MAX_TOKEN_BYTES = 8192;

/** TLS settings for the JWKS fetch (a private CA, say); the default agent trusts the system CAs. */
export interface VerifierOptions {
  jwksAgent?: Agent;
}

const HMAC_HASHES: Readonly<Record<string, string>> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

/**
 * One CryptoKey per allowed HMAC algorithm, imported once: given a KeyObject, jose exports its
 * bytes and imports a CryptoKey from them on every verification (a third of a login's CPU).
 * A CryptoKey is bound to one hash, hence one per algorithm, picked by the header's `alg`
 * (which jose has checked against the allowed ones before it asks for a key).
 */
function hmacKeys(secret: string, algorithms: readonly string[]): JWTVerifyGetKey {
  const secretKey = createSecretKey(Buffer.from(secret));
  const keys = new Map(algorithms.map((alg) => [alg, secretKey.toCryptoKey({ name: 'HMAC', hash: HMAC_HASHES[alg] }, false, ['verify'])] as const));
  return (header) => {
    const key = keys.get(header.alg ?? '');
    if (key === undefined) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
    return key;
  };
}

function keySource(auth: AuthConfig, clock: Clock, options: VerifierOptions): KeyObject | JWTVerifyGetKey {
  switch (auth.mode) {
    case 'secret':
    case 'dev':
      return hmacKeys(auth.secret, auth.algorithms);
    case 'public-key': {
      let key: KeyObject;
      try {
        key = createPublicKey(auth.publicKey);
      } catch {
        throw new Error('AUTH_JWT_PUBLIC_KEY is not a valid PEM public key');
      }
      // jose would refuse it at every login; refusing it at start-up says why once.
      if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) throw new Error(`AUTH_JWT_PUBLIC_KEY is an RSA key under ${MIN_RSA_BITS} bits`);
      return key;
    }
    case 'jwks':
      return new JwksKeySet(auth.jwksUrl, auth.refreshSeconds, clock, options.jwksAgent).resolve;
  }
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') return 'Token not yet valid';
    if (error.claim === 'iss') return 'Invalid token: wrong issuer';
    if (error.claim === 'aud') return 'Invalid token: wrong audience';
    if (error.claim === 'exp') return 'Invalid token: no expiry';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'Invalid token: algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Invalid token: bad signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Invalid token: unknown signing key';
  return 'Invalid token';
}

/**
 * jose's jwtVerify answers for one key; a key set may publish several keys under one kid (during a
 * rotation, say), and jose then hands back each candidate to try in turn.
 */
async function verifyWithAny(token: string, key: KeyObject | JWTVerifyGetKey, options: JWTVerifyOptions): Promise<Record<string, unknown>> {
  try {
    return (await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const candidate of error as errors.JWKSMultipleMatchingKeys & AsyncIterable<Parameters<typeof jwtVerify>[1]>) {
      try {
        return (await jwtVerify(token, candidate, options)).payload;
      } catch (attempt) {
        if (!(attempt instanceof errors.JWSSignatureVerificationFailed)) throw attempt;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/**
 * Only the configured algorithms are accepted (never `none`), and jose uses a key only with an
 * algorithm its type, its `alg` and its `key_ops` allow, which rules out HS/RS and RS/PS confusion.
 * Everything that can be judged without a key (size, shape, algorithm, `crit`) is judged before
 * any key lookup, so a forged token never reaches the JWKS endpoint.
 */
export function createTokenVerifier(auth: AuthConfig, clock: Clock, verifierOptions: VerifierOptions = {}): TokenVerifier {
  const key = keySource(auth, clock, verifierOptions);
  const options: JWTVerifyOptions = {
    algorithms: auth.algorithms,
    clockTolerance: auth.clockToleranceSeconds,
    ...(auth.mode !== 'dev' && auth.issuer !== undefined ? { issuer: auth.issuer } : {}),
    ...(auth.mode !== 'dev' && auth.audience !== undefined ? { audience: auth.audience } : {}),
  };
  return async (token) => {
    if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw unauthorized('Token too large');
    checkUnverified(token, auth.algorithms);
    // Token times are the issuer's wall-clock times, judged against ours; the injected clock only
    // paces key-set refreshes.
    const nowSeconds = Math.floor(Date.now() / 1000);
    let claims: Record<string, unknown>;
    try {
      claims = await verifyWithAny(token, key, { ...options, currentDate: new Date(nowSeconds * 1000) });
    } catch (error) {
      // jose signals an unusable key (a 1024-bit RSA one, say) with a TypeError: a 401 too.
      if (error instanceof DependencyUnavailableError) throw error;
      throw unauthorized(reason(error));
    }
    checkClaims(claims, nowSeconds, auth.maxAgeSeconds);
    return claims;
  };
}
