import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Clock } from '@signal/common/clock';
import type { AuthConfig } from '@signal/common/config/config';
import { unauthorized } from '@signal/common/errors';
import { JwksKeySet } from './jwks-key-set.ts';
import { checkClaims, readUnverified } from './token-shape.ts';

/** Verifies an upstream JWT and returns its claims, or throws a 401 saying why not. */
export type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

export const MAX_TOKEN_BYTES = 8192;

type KeySource = (kid: string | undefined) => Promise<KeyObject | undefined>;

function keySource(auth: AuthConfig, clock: Clock): KeySource {
  switch (auth.mode) {
    // Key objects are built once: given strings, jsonwebtoken would parse them again on every login.
    case 'secret':
    case 'dev': {
      const key = createSecretKey(Buffer.from(auth.secret));
      return async () => key;
    }
    case 'public-key': {
      let key: KeyObject;
      try {
        key = createPublicKey(auth.publicKey);
      } catch {
        throw new Error('AUTH_JWT_PUBLIC_KEY is not a valid PEM public key');
      }
      return async () => key;
    }
    case 'jwks': {
      const keySet = new JwksKeySet(auth.jwksUrl, auth.refreshSeconds, clock);
      return (kid) => keySet.key(kid);
    }
  }
}

function reason(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'Token expired';
  if (error instanceof jwt.NotBeforeError) return 'Token not yet valid';
  if (error instanceof jwt.JsonWebTokenError) {
    if (error.message.startsWith('jwt audience invalid')) return 'Invalid token: wrong audience';
    if (error.message.startsWith('jwt issuer invalid')) return 'Invalid token: wrong issuer';
    if (error.message === 'invalid algorithm') return 'Invalid token: algorithm not allowed';
    if (error.message === 'invalid signature') return 'Invalid token: bad signature';
  }
  return 'Invalid token';
}

/**
 * Only the configured algorithms are accepted (never `none`), and a key is only ever used with the
 * algorithm family it belongs to, which rules out HS/RS key confusion. Everything that can be
 * judged without a key (size, shape, algorithm, `crit`) is judged before any key lookup, so a
 * forged token never reaches the JWKS endpoint.
 */
export function createTokenVerifier(auth: AuthConfig, clock: Clock): TokenVerifier {
  const source = keySource(auth, clock);
  const options: jwt.VerifyOptions = {
    algorithms: auth.algorithms,
    clockTolerance: auth.clockToleranceSeconds,
    ...(auth.mode !== 'dev' && auth.issuer !== undefined ? { issuer: auth.issuer } : {}),
    ...(auth.mode !== 'dev' && auth.audience !== undefined ? { audience: auth.audience } : {}),
  };
  return async (token) => {
    if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw unauthorized('Token too large');
    const header = readUnverified(token, auth.algorithms);
    const key = await source(header.kid);
    if (key === undefined) throw unauthorized('Invalid token: unknown signing key');
    // Token times are the issuer's wall-clock times, judged against ours; the injected clock only
    // paces key-set refreshes.
    const nowSeconds = Math.floor(Date.now() / 1000);
    let claims: Record<string, unknown>;
    try {
      claims = jwt.verify(token, key, { ...options, clockTimestamp: nowSeconds }) as Record<string, unknown>;
    } catch (error) {
      throw unauthorized(reason(error));
    }
    checkClaims(claims, nowSeconds, auth.maxAgeSeconds);
    return claims;
  };
}
