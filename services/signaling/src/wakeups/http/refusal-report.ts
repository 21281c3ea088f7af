import type { RefusalReason } from './wakeup-server.ts';

export interface RefusalReportOptions {
  /** Counts every refusal (signal_wakeups_refused_total). */
  count(reason: RefusalReason): void;
  warn(fields: object, message: string): void;
  /** At most one log line per this period, however many refusals (default 10 s). */
  periodMs?: number;
}

const MAX_REMOTES = 5;

/**
 * Refusals on the wake-up port are counted one by one but logged as a summary: the first at once,
 * then at most one line per period with the count by reason and a few of the senders. A flood of
 * forged requests thus costs the log a line every ten seconds, not a line each.
 */
export class RefusalReport {
  readonly #options: RefusalReportOptions;
  readonly #periodMs: number;
  #reasons: Partial<Record<RefusalReason, number>> = {};
  #remotes = new Set<string>();
  #pending = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RefusalReportOptions) {
    this.#options = options;
    this.#periodMs = options.periodMs ?? 10_000;
  }

  readonly record = (reason: RefusalReason, remote: string): void => {
    this.#options.count(reason);
    this.#reasons[reason] = (this.#reasons[reason] ?? 0) + 1;
    if (this.#remotes.size < MAX_REMOTES) this.#remotes.add(remote.replace(/:\d+$/, ''));
    this.#pending += 1;
    if (this.#timer !== undefined) return;
    this.#flush();
    this.#window();
  };

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending > 0) this.#flush();
  }

  #window(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#pending === 0) return;
      this.#flush();
      this.#window();
    }, this.#periodMs);
    this.#timer.unref();
  }

  #flush(): void {
    this.#options.warn({ refused: this.#pending, reasons: this.#reasons, remotes: [...this.#remotes] }, 'wake-up requests refused');
    this.#reasons = {};
    this.#remotes = new Set();
    this.#pending = 0;
  }
}
