import { unauthorized } from '@signal/common/errors';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_KID_LENGTH = 256;

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Refuses, before any key lookup, a token without the compact shape, an allowed algorithm, a
 * well-formed kid and a JSON object payload, or with a `crit` (RFC 7515 §4.1.11: a token naming
 * extensions the recipient does not understand must be refused, and Signal understands none).
 */
export function checkUnverified(token: string, algorithms: readonly string[]): void {
  if (!COMPACT_JWS.test(token)) throw unauthorized('Invalid token');
  const [headerPart = '', payloadPart = ''] = token.split('.');
  const header = decodeJson(headerPart);
  if (!isRecord(header) || !isRecord(decodeJson(payloadPart))) throw unauthorized('Invalid token');
  const { alg, kid } = header;
  if (typeof alg !== 'string' || !algorithms.includes(alg)) throw unauthorized('Invalid token: algorithm not allowed');
  if (kid !== undefined && (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH)) throw unauthorized('Invalid token');
  if (header.crit !== undefined) throw unauthorized('Invalid token: unsupported critical header');
}

/**
 * Rules jose leaves open: `exp` is required and finite (JSON's `1e999` parses to
 * Infinity), the life from `iat` (or from now, without one) is bounded, and every top-level string
 * is well-formed UTF-16, since a lone surrogate breaks `encodeURIComponent` in the peer id derivation.
 */
export function checkClaims(claims: Record<string, unknown>, nowSeconds: number, maxAgeSeconds: number): void {
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw unauthorized('Invalid token: no expiry');
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) throw unauthorized('Invalid token');
  const from = typeof iat === 'number' ? Math.min(iat, nowSeconds) : nowSeconds;
  if (exp - from > maxAgeSeconds) throw unauthorized('Invalid token: lifetime too long');
  for (const value of Object.values(claims)) {
    if (typeof value === 'string' && !value.isWellFormed()) throw unauthorized('Invalid token: malformed claim');
  }
}
