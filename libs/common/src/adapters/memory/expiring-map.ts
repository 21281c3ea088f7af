import type { Clock } from '../../clock.ts';
import { approximateBytes, type ByteBudget, type Charge } from './byte-budget.ts';

interface Expiring {
  expiresAt: number;
}

/** Whether every object reachable from `value` is frozen, as `frozenCopy` leaves it. */
function deepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value)) return false;
  for (const key in value) if (!deepFrozen((value as Record<string, unknown>)[key])) return false;
  return true;
}

/**
 * A frozen copy of a plain record (stored values are JSON-shaped: objects, arrays, primitives), so
 * one stored value can be handed to every reader and nobody can change what is stored. Parts
 * already deep-frozen (a stored record carried into its slot's next version) are shared, not
 * copied again: every write of a slot used to copy its SDP record anew.
 */
function frozenCopy<V>(value: V): V {
  if (deepFrozen(value)) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as V;
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value as object, key)) continue;
    const field = frozenCopy((value as Record<string, unknown>)[key]);
    // An own property even under this name, as Object.fromEntries made it, not a new prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: field, enumerable: true, writable: true, configurable: true });
    else copy[key] = field;
  }
  return Object.freeze(copy) as V;
}

export interface ExpiringMapOptions<V> {
  /** Shared byte budget: a `set` that does not fit throws StorageFullError and stores nothing. */
  budget?: ByteBudget;
  /** Whose share of the budget an entry counts against (the user who caused the write); a function of the key and value alone. */
  ownerOf?: (key: string, value: V) => string | undefined;
  /** Told of every entry that leaves (deleted, or found expired), not of one replaced by `set`. */
  onRemove?: (key: string, value: V) => void;
  sweepIntervalMs?: number;
}

/**
 * A Map whose values vanish at their `expiresAt`. Reads check expiry against the injected clock;
 * a periodic sweep (unref'd, so it never keeps the process alive) bounds memory held by entries
 * nobody reads again. Values are copied once on the way in and frozen, so readers share them
 * without a copy per read and nobody can change what is stored. With a budget, every entry's
 * estimated size is taken from it on the way in and given back on the way out.
 */
export class ExpiringMap<V extends Expiring> {
  readonly #entries = new Map<string, V>();
  readonly #clock: Clock;
  readonly #budget: ByteBudget | undefined;
  readonly #ownerOf: ((key: string, value: V) => string | undefined) | undefined;
  readonly #onRemove: ((key: string, value: V) => void) | undefined;
  readonly #sweeper: NodeJS.Timeout;

  constructor(clock: Clock, options: ExpiringMapOptions<V> = {}) {
    this.#clock = clock;
    this.#budget = options.budget;
    this.#ownerOf = options.ownerOf;
    this.#onRemove = options.onRemove;
    this.#budget?.reclaimWith(() => this.sweep());
    this.#sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    this.#sweeper.unref();
  }

  set(key: string, value: V): void {
    const copy = frozenCopy(value);
    if (this.#budget !== undefined) {
      const previous = this.#entries.get(key);
      this.#budget.replace(previous === undefined ? undefined : this.#chargeOf(key, previous), this.#chargeOf(key, copy));
    }
    this.#entries.set(key, copy);
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    if (value.expiresAt <= this.#clock.now()) {
      this.#remove(key, value);
      return undefined;
    }
    return value;
  }

  delete(key: string): boolean {
    const live = this.get(key);
    if (live !== undefined) this.#remove(key, live);
    return live !== undefined;
  }

  get size(): number {
    return this.#entries.size;
  }

  sweep(): void {
    const now = this.#clock.now();
    for (const [key, value] of this.#entries) {
      if (value.expiresAt <= now) this.#remove(key, value);
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
    for (const [key, value] of this.#entries) this.#remove(key, value);
  }

  #remove(key: string, value: V): void {
    this.#entries.delete(key);
    if (this.#budget !== undefined) this.#budget.give(this.#chargeOf(key, value));
    this.#onRemove?.(key, value);
  }

  /**
   * What an entry holds of the budget, worked out again from its key and value whenever needed
   * (both are fixed once stored, `ownerOf` is a function of them) rather than kept beside it: a
   * kept charge was one more object and map entry per stored item for every collection to visit.
   */
  #chargeOf(key: string, value: V): Charge {
    return { bytes: approximateBytes(key, value), owner: this.#ownerOf?.(key, value) };
  }
}
