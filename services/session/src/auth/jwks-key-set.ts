import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '@signal/common/clock';
import { DependencyUnavailableError } from '@signal/common/errors';

const FETCH_TIMEOUT_MS = 2000;
/** A set this old is fetched again (in the background) so that a key the publisher withdrew stops working. */
const MAX_SET_AGE_MS = 10 * 60_000;
/** Until a first set is loaded every login fails anyway; retrying as often as Retry-After says costs nothing. */
const FIRST_LOAD_RETRY_MS = 1000;
const MAX_SET_BYTES = 256 * 1024;

/**
 * The signing keys published at AUTH_JWKS_URL, cached by `kid`. Whatever kids clients present, the
 * endpoint is asked at most once per refresh interval, and concurrent logins that need a fetch share
 * the one in flight, so a flood of unknown kids costs one request per interval and never starves the
 * login that needs a just-rotated key. A failed fetch keeps the keys already cached.
 */
export class JwksKeySet {
  readonly #url: string;
  readonly #refreshMs: number;
  readonly #clock: Clock;
  #keys: ReadonlyMap<string, KeyObject> | undefined;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #lastFailure: unknown;

  constructor(url: string, refreshSeconds: number, clock: Clock) {
    this.#url = url;
    this.#refreshMs = refreshSeconds * 1000;
    this.#clock = clock;
  }

  /**
   * The key for `kid` (a token without one may use a set of exactly one key), or undefined when
   * the set, fetched at most once per interval, does not hold it. Throws
   * DependencyUnavailableError only while no set has ever been loaded.
   */
  async key(kid: string | undefined): Promise<KeyObject | undefined> {
    const cached = this.#find(kid);
    if (cached !== undefined) {
      if (this.#clock.now() - this.#loadedAt >= MAX_SET_AGE_MS) this.#refresh().catch(() => {});
      return cached;
    }
    await this.#refresh().catch(() => {});
    if (this.#keys === undefined) throw new DependencyUnavailableError('jwks', this.#lastFailure);
    return this.#find(kid);
  }

  #find(kid: string | undefined): KeyObject | undefined {
    if (this.#keys === undefined) return undefined;
    if (kid !== undefined) return this.#keys.get(kid);
    return this.#keys.size === 1 ? this.#keys.values().next().value : undefined;
  }

  /** Joins the fetch in flight, starts one when the interval allows, else resolves at once. */
  #refresh(): Promise<void> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const now = this.#clock.now();
    const gap = this.#keys === undefined ? Math.min(FIRST_LOAD_RETRY_MS, this.#refreshMs) : this.#refreshMs;
    if (now - this.#attemptedAt < gap) return Promise.resolve();
    this.#attemptedAt = now;
    this.#inFlight = fetchKeys(this.#url)
      .then(
        (keys) => {
          this.#keys = keys;
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

async function fetchKeys(url: string): Promise<Map<string, KeyObject>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`JWKS endpoint answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_SET_BYTES) throw new Error('JWKS document too large');
  const document: unknown = JSON.parse(text);
  const listed = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(listed)) throw new Error('JWKS document has no keys array');
  const keys = new Map<string, KeyObject>();
  for (const jwk of listed as (JsonWebKey & { kid?: unknown; use?: unknown })[]) {
    if (typeof jwk !== 'object' || jwk === null || jwk.use === 'enc') continue;
    try {
      // A key without a kid can only serve tokens without one, from a set of that key alone.
      keys.set(typeof jwk.kid === 'string' ? jwk.kid : '', createPublicKey({ key: jwk, format: 'jwk' }));
    } catch {
      // One unusable entry (an unknown key type, say) must not hide the others.
    }
  }
  return keys;
}
