import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import type { AuthConfig } from '@signal/common/config/config';
import { DependencyUnavailableError, unauthorized } from '@signal/common/errors';

/** Verifies an upstream JWT and returns its claims, or throws a 401 saying why not. */
export type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

export const MAX_TOKEN_BYTES = 8192;

type Key = string | KeyObject;
type KeySource = KeyObject | ((header: jwt.JwtHeader) => Promise<Key>);

function keySource(auth: AuthConfig): KeySource {
  switch (auth.mode) {
    // Key objects are built once: given strings, jsonwebtoken would parse them again on every login.
    case 'secret':
    case 'dev':
      return createSecretKey(Buffer.from(auth.secret));
    case 'public-key':
      try {
        return createPublicKey(auth.publicKey);
      } catch {
        throw new Error('AUTH_JWT_PUBLIC_KEY is not a valid PEM public key');
      }
    case 'jwks': {
      const client = new JwksClient({ jwksUri: auth.jwksUrl, cache: true, cacheMaxAge: 600_000, rateLimit: true, jwksRequestsPerMinute: 10, timeout: 2000 });
      return async (header) => {
        try {
          return (await client.getSigningKey(header.kid)).getPublicKey();
        } catch (error) {
          if (error instanceof Error && error.name === 'SigningKeyNotFoundError') throw unauthorized('Invalid token: unknown signing key');
          throw new DependencyUnavailableError('jwks', error);
        }
      };
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

/** Reads the header to pick the key; jws throws (not returns null) on a `typ: JWT` token whose payload is not JSON. */
function decodeUnverified(token: string): jwt.Jwt | null {
  try {
    return jwt.decode(token, { complete: true });
  } catch {
    return null;
  }
}

/**
 * Only the configured algorithms are accepted (never `none`), and a key is only ever used with the
 * algorithm family it belongs to, which rules out HS/RS key confusion.
 */
export function createTokenVerifier(auth: AuthConfig): TokenVerifier {
  const source = keySource(auth);
  const options: jwt.VerifyOptions = {
    algorithms: auth.algorithms,
    clockTolerance: auth.clockToleranceSeconds,
    ...(auth.mode !== 'dev' && auth.issuer !== undefined ? { issuer: auth.issuer } : {}),
    ...(auth.mode !== 'dev' && auth.audience !== undefined ? { audience: auth.audience } : {}),
  };
  return async (token) => {
    if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw unauthorized('Token too large');
    const decoded = decodeUnverified(token);
    if (decoded === null || typeof decoded.payload !== 'object') throw unauthorized('Invalid token');
    const key = source instanceof KeyObject ? source : await source(decoded.header);
    try {
      return jwt.verify(token, key, options) as Record<string, unknown>;
    } catch (error) {
      throw unauthorized(reason(error));
    }
  };
}
