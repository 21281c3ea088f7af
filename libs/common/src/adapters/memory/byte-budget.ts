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
  for (const [name, field] of Object.entries(value)) total += name.length + fieldBytes(field);
  return total;
}

/**
 * MEMORY_STORE_MAX_MB shared by the in-memory session and SDP stores. A write that would go past
 * it is refused (StorageFullError) rather than evicting anything accepted: an SDP a peer has not
 * read yet or a live session is never dropped early. Before refusing, expired entries still in
 * memory are reclaimed.
 */
export class ByteBudget {
  readonly limit: number;
  readonly #clock: Clock;
  #used = 0;
  readonly #reclaimers: (() => void)[] = [];
  #reclaimedAt = Number.NEGATIVE_INFINITY;

  constructor(limitBytes: number, clock: Clock) {
    this.limit = limitBytes;
    this.#clock = clock;
  }

  get used(): number {
    return this.#used;
  }

  /** Registers a way to drop expired entries, tried when a write does not fit. */
  reclaimWith(reclaim: () => void): void {
    this.#reclaimers.push(reclaim);
  }

  /** Accounts for `bytes` more (fewer when negative), or throws StorageFullError when they do not fit. */
  take(bytes: number): void {
    if (bytes > 0 && this.#used + bytes > this.limit) {
      const now = this.#clock.now();
      if (now - this.#reclaimedAt >= RECLAIM_INTERVAL_MS) {
        this.#reclaimedAt = now;
        for (const reclaim of this.#reclaimers) reclaim();
      }
      if (this.#used + bytes > this.limit) throw new StorageFullError();
    }
    this.#used += bytes;
  }

  give(bytes: number): void {
    this.#used -= bytes;
  }
}
