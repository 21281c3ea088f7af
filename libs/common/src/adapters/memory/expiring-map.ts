import type { Clock } from '../../clock.ts';

interface Expiring {
  expiresAt: number;
}

/**
 * A frozen copy of a plain record (stored values are JSON-shaped: objects, arrays, primitives), so
 * one stored value can be handed to every reader and nobody can change what is stored.
 */
function frozenCopy<V>(value: V): V {
  if (typeof value !== 'object' || value === null) return value;
  const copy = Array.isArray(value) ? value.map(frozenCopy) : Object.fromEntries(Object.entries(value).map(([key, field]) => [key, frozenCopy(field)]));
  return Object.freeze(copy) as V;
}

/**
 * A Map whose values vanish at their `expiresAt`. Reads check expiry against the injected clock;
 * a periodic sweep (unref'd, so it never keeps the process alive) bounds memory held by entries
 * nobody reads again. Values are copied once on the way in and frozen, so readers share them
 * without a copy per read and nobody can change what is stored.
 */
export class ExpiringMap<V extends Expiring> {
  readonly #entries = new Map<string, V>();
  readonly #clock: Clock;
  readonly #sweeper: NodeJS.Timeout;

  constructor(clock: Clock, sweepIntervalMs = 30_000) {
    this.#clock = clock;
    this.#sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.#sweeper.unref();
  }

  set(key: string, value: V): void {
    this.#entries.set(key, frozenCopy(value));
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    if (value.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return value;
  }

  delete(key: string): boolean {
    const live = this.get(key) !== undefined;
    this.#entries.delete(key);
    return live;
  }

  get size(): number {
    return this.#entries.size;
  }

  sweep(): void {
    const now = this.#clock.now();
    for (const [key, value] of this.#entries) {
      if (value.expiresAt <= now) this.#entries.delete(key);
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }
}
