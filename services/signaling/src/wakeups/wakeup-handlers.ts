import type { WakeupHint } from './wakeups.ts';

export type WakeupHandler = (hint: WakeupHint) => void | Promise<void>;

/**
 * The handlers a replica registered with `onWake`. Each gets its own frozen copy, so no handler
 * sees another's changes; a handler that throws or rejects keeps the hint from none of the others
 * and never fails the sender, whose waiter then re-checks the store on its fallback timer anyway.
 */
export class WakeupHandlers {
  readonly #handlers = new Set<WakeupHandler>();

  add(handler: WakeupHandler): () => void {
    const own: WakeupHandler = (hint) => handler(hint);
    this.#handlers.add(own);
    return () => void this.#handlers.delete(own);
  }

  /** Resolves once every handler has taken every hint (settled, whatever the result). */
  async deliver(hints: readonly WakeupHint[]): Promise<void> {
    const handlers = [...this.#handlers];
    const settled: Promise<void>[] = [];
    for (const hint of hints) {
      for (const handler of handlers) {
        const copy = Object.freeze({ ...hint });
        settled.push(Promise.resolve().then(() => handler(copy)).catch(() => {}));
      }
    }
    await Promise.all(settled);
  }

  clear(): void {
    this.#handlers.clear();
  }
}
