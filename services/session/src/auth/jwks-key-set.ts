import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { Agent } from 'node:https';
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '@signal/common/clock';
import { DependencyUnavailableError } from '@signal/common/errors';
import { fetchJwks } from './jwks-fetch.ts';

/** A set this old is fetched again (in the background) so that a key the publisher withdrew stops working. */
const MAX_SET_AGE_MS = 10 * 60_000;
/** Until a first set is loaded every login fails anyway; retrying as often as Retry-After says costs nothing. */
const FIRST_LOAD_RETRY_MS = 1000;
export const MIN_RSA_BITS = 2048;

type KeyResolver = (...args: Parameters<JWTVerifyGetKey>) => ReturnType<JWTVerifyGetKey>;

/**
 * The signing keys published at AUTH_JWKS_URL, for jose's `jwtVerify`. jose matches a token to
 * keys by kid, alg, kty, use and key_ops; this class decides when to fetch. Whatever kids clients
 * present, the endpoint is asked at most once per refresh interval, and concurrent logins that need
 * a fetch share the one in flight, so a flood of unknown kids costs one request per interval and
 * never starves the login that needs a just-rotated key. A failed fetch keeps the keys already
 * cached, however old, so logins go on through a JWKS outage.
 */
export class JwksKeySet {
  readonly #url: string;
  readonly #refreshMs: number;
  readonly #clock: Clock;
  readonly #agent: Agent | undefined;
  #keys: KeyResolver | undefined;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #lastFailure: unknown;

  constructor(url: string, refreshSeconds: number, clock: Clock, agent?: Agent) {
    this.#url = url;
    this.#refreshMs = refreshSeconds * 1000;
    this.#clock = clock;
    this.#agent = agent;
  }

  /**
   * jose's key lookup: the cached set's match, else one more look after a refresh (at most once
   * per interval). Throws jose's JWKSNoMatchingKey when neither holds a key for the token, and
   * DependencyUnavailableError only while no set has ever been loaded.
   */
  readonly resolve: KeyResolver = async (header, token) => {
    const cached = this.#keys;
    if (cached !== undefined) {
      try {
        const key = await cached(header, token);
        if (this.#clock.now() - this.#loadedAt >= MAX_SET_AGE_MS) this.#refresh().catch(() => {});
        return key;
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      }
    }
    await this.#refresh().catch(() => {});
    if (this.#keys === undefined) throw new DependencyUnavailableError('jwks', this.#lastFailure);
    return this.#keys(header, token);
  };

  /** Joins the fetch in flight, starts one when the interval allows, else resolves at once. */
  #refresh(): Promise<void> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const now = this.#clock.now();
    const gap = this.#keys === undefined ? Math.min(FIRST_LOAD_RETRY_MS, this.#refreshMs) : this.#refreshMs;
    if (now - this.#attemptedAt < gap) return Promise.resolve();
    this.#attemptedAt = now;
    this.#inFlight = fetchJwks(this.#url, this.#agent)
      .then(
        (document) => {
          this.#keys = createLocalJWKSet({ keys: signingKeys(document) });
          this.#loadedAt = this.#clock.now();
        },
        (error: unknown) => {
          this.#lastFailure = error;
          throw error;
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }
}

/**
 * The entries of a JWKS document that can serve here: jose imports a key only when a token asks
 * for it, so one unusable entry (an unknown key type, say) must not hide the others, and RSA keys
 * under 2048 bits are dropped up front (jose refuses them too, but as an error, not a missing key).
 */
function signingKeys(document: unknown): JsonWebKey[] {
  const listed = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(listed)) throw new Error('JWKS document has no keys array');
  return listed.filter((jwk): jwk is JsonWebKey => {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return false;
    if ((jwk as JsonWebKey).kty !== 'RSA') return true;
    try {
      return (createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS;
    } catch {
      return false;
    }
  });
}
