import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { Agent } from 'node:https';
import { errors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { Clock } from '@signal/common/clock';
import type { AuthConfig } from '@signal/common/config/config';
import { DependencyUnavailableError, unauthorized } from '@signal/common/errors';
import { JwksKeySet, MIN_RSA_BITS } from './jwks-key-set.ts';
import { verifyHmacJwt } from './hmac-jwt.ts';
import { checkClaims, checkUnverified } from './token-shape.ts';

/** Verifies an upstream JWT and returns its claims, or throws a 401 saying why not. */
export type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

export const MAX_TOKEN_BYTES = 8192;

/** TLS settings for the JWKS fetch (a private CA, say); the default agent trusts the system CAs. */
export interface VerifierOptions {
  jwksAgent?: Agent;
}

type AsymmetricAuth = Exclude<AuthConfig, { mode: 'secret' | 'dev' }>;

function keySource(auth: AsymmetricAuth, clock: Clock, options: VerifierOptions): KeyObject | JWTVerifyGetKey {
  switch (auth.mode) {
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

/** The token's claims once its signature and jose's claim rules (issuer, audience, nbf, exp) hold; throws jose's errors. */
type SignedClaims = (token: string, nowSeconds: number) => Promise<Record<string, unknown>> | Record<string, unknown>;

function signedClaims(auth: AuthConfig, clock: Clock, verifierOptions: VerifierOptions): SignedClaims {
  const issuer = auth.mode === 'dev' ? undefined : auth.issuer;
  const audience = auth.mode === 'dev' ? undefined : auth.audience;
  if (auth.mode === 'secret' || auth.mode === 'dev') {
    const secret = createSecretKey(Buffer.from(auth.secret));
    const options = { algorithms: auth.algorithms, issuer, audience, clockToleranceSeconds: auth.clockToleranceSeconds };
    return (token, nowSeconds) => verifyHmacJwt(token, secret, { ...options, nowSeconds });
  }
  const key = keySource(auth, clock, verifierOptions);
  const options: JWTVerifyOptions = {
    algorithms: auth.algorithms,
    clockTolerance: auth.clockToleranceSeconds,
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
  };
  return (token, nowSeconds) => verifyWithAny(token, key, { ...options, currentDate: new Date(nowSeconds * 1000) });
}

/**
 * Only the configured algorithms are accepted (never `none`), and jose uses a key only with an
 * algorithm its type, its `alg` and its `key_ops` allow, which rules out HS/RS and RS/PS confusion;
 * an HMAC secret serves only the configured HS algorithms (hmac-jwt.ts).
 * Everything that can be judged without a key (size, shape, algorithm, `crit`) is judged before
 * any key lookup, so a forged token never reaches the JWKS endpoint.
 */
export function createTokenVerifier(auth: AuthConfig, clock: Clock, verifierOptions: VerifierOptions = {}): TokenVerifier {
  const verifySignedClaims = signedClaims(auth, clock, verifierOptions);
  return async (token) => {
    if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw unauthorized('Token too large');
    checkUnverified(token, auth.algorithms);
    // Token times are the issuer's wall-clock times, judged against ours; the injected clock only
    // paces key-set refreshes.
    const nowSeconds = Math.floor(Date.now() / 1000);
    let claims: Record<string, unknown>;
    try {
      claims = await verifySignedClaims(token, nowSeconds);
    } catch (error) {
      // jose signals an unusable key (a 1024-bit RSA one, say) with a TypeError: a 401 too.
      if (error instanceof DependencyUnavailableError) throw error;
      throw unauthorized(reason(error));
    }
    checkClaims(claims, nowSeconds, auth.maxAgeSeconds);
    return claims;
  };
}
