import type { Clock } from '../../clock.ts';
import { StorageFullError } from '../../errors.ts';

/**
 * What one entry costs beyond its fields: the Map slot, object headers, the key's own string.
 * Sized so the estimate matches the heap growth measured per login (4.4 KB with 1 KiB x-adapt-*
 * headers) and stays within 3 % of it per 64 KB SDP (docs/performance.md).
 */
const ENTRY_OVERHEAD_BYTES = 512;
/** Looking for expired entries walks every map: at most this often while the budget is short. */
const RECLAIM_INTERVAL_MS = 1000;

/**
 * An estimate of the heap a stored JSON-shaped value holds: string lengths (SDPs and ids are
 * one-byte strings in V8) plus a fixed cost per field. Close enough to bound memory; the metric
 * reports the same estimate.
 */
export function approximateBytes(key: string, value: unknown): number {
  return ENTRY_OVERHEAD_BYTES + key.length + fieldBytes(value);
}

function fieldBytes(value: unknown): number {
  if (typeof value === 'string') return 16 + value.length;
  if (typeof value !== 'object' || value === null) return 8;
  let total = 32;
  // Not Object.entries: an array per field, on every write of every entry.
  for (const name in value) if (Object.hasOwn(value, name)) total += name.length + fieldBytes((value as Record<string, unknown>)[name]);
  return total;
}

/** What an entry holds of the budget, and whose share it counts against (none: the total only). */
export interface Charge {
  bytes: number;
  owner: string | undefined;
}

/**
 * MEMORY_STORE_MAX_MB shared by the in-memory session and SDP stores. A write that would go past
 * it is refused (StorageFullError) rather than evicting anything accepted: an SDP a peer has not
 * read yet or a live session is never dropped early. Before refusing, expired entries still in
 * memory are reclaimed. Each owner (a user) may hold at most `ownerLimit` of it, so one user's
 * writes are refused while everyone else still has room to log in and exchange SDPs.
 */
export class ByteBudget {
  readonly limit: number;
  readonly ownerLimit: number;
  readonly #clock: Clock;
  #used = 0;
  readonly #byOwner = new Map<string, number>();
  readonly #reclaimers: (() => void)[] = [];
  #reclaimedAt = Number.NEGATIVE_INFINITY;

  constructor(limitBytes: number, clock: Clock, ownerLimitBytes = limitBytes) {
    this.limit = limitBytes;
    this.ownerLimit = ownerLimitBytes;
    this.#clock = clock;
  }

  get used(): number {
    return this.#used;
  }

  usedBy(owner: string): number {
    return this.#byOwner.get(owner) ?? 0;
  }

  /** Registers a way to drop expired entries, tried when a write does not fit. */
  reclaimWith(reclaim: () => void): void {
    this.#reclaimers.push(reclaim);
  }

  /**
   * Replaces what an entry held (`previous`, if any) by `next`, or throws StorageFullError and
   * changes nothing when `next` does not fit in the total or in its owner's share.
   */
  replace(previous: Charge | undefined, next: Charge): void {
    if (!this.#fits(previous, next)) {
      const now = this.#clock.now();
      if (now - this.#reclaimedAt >= RECLAIM_INTERVAL_MS) {
        this.#reclaimedAt = now;
        for (const reclaim of this.#reclaimers) reclaim();
      }
      if (!this.#fits(previous, next)) throw new StorageFullError();
    }
    if (previous !== undefined) this.give(previous);
    this.#add(next.owner, next.bytes);
  }

  give(charge: Charge): void {
    this.#add(charge.owner, -charge.bytes);
  }

  #fits(previous: Charge | undefined, next: Charge): boolean {
    // What the replaced entry gives back to the next entry's owner (a closure for it cost every write an allocation).
    const freed = previous !== undefined && previous.owner === next.owner ? previous.bytes : 0;
    if (next.bytes <= freed) return true;
    if (this.#used - (previous?.bytes ?? 0) + next.bytes > this.limit) return false;
    return next.owner === undefined || this.usedBy(next.owner) - freed + next.bytes <= this.ownerLimit;
  }

  #add(owner: string | undefined, bytes: number): void {
    this.#used += bytes;
    if (owner === undefined) return;
    const held = this.usedBy(owner) + bytes;
    if (held === 0) this.#byOwner.delete(owner);
    else this.#byOwner.set(owner, held);
  }
}
