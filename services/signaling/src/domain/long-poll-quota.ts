import { HttpError } from '@signal/common/errors';

/**
 * Concurrent long-polls per user (peer uuid), not per session: sessions cost nothing to make, so a
 * per-session cap let one token hold every place on a replica by logging in again and again.
 */
export class LongPollQuota {
  readonly #max: number;
  readonly #held = new Map<string, number>();

  constructor(maxPerUser: number) {
    this.#max = maxPerUser;
  }

  /** Takes one of the user's places (429 when all are taken); `give` hands it back, once per take. */
  take(user: string): void {
    const held = this.#held.get(user) ?? 0;
    if (held >= this.#max) throw new HttpError(429, 'Too many waiting requests for this user', { 'Retry-After': '1' });
    this.#held.set(user, held + 1);
  }

  give(user: string): void {
    const left = (this.#held.get(user) ?? 1) - 1;
    if (left <= 0) this.#held.delete(user);
    else this.#held.set(user, left);
  }
}
