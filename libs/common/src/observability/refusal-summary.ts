import type { LogLine } from './repeated-log.ts';

export interface RefusalSummaryOptions {
  line: LogLine;
  /** The first refusal is summed up at once, then one line per period at most, none for a period without refusals (default 60 s). */
  periodMs?: number;
}

/** Clients tracked per period; past it the rest are counted as one. */
const MAX_CLIENTS = 1_000;
const TOP_CLIENTS = 5;

/**
 * Requests answered 4xx (429 and 499 included) are each logged at debug; this adds an info line
 * when refusals start and then at most one a period, with how many there were by status and route
 * and which clients drew the most (a peer id when the request passed the session check, else the
 * client address), so a flood or a broken client shows at the default level without a line per
 * request.
 */
export class RefusalSummary {
  readonly #line: LogLine;
  readonly #periodMs: number;
  #byStatus = new Map<string, number>();
  #byClient = new Map<string, number>();
  #refused = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RefusalSummaryOptions) {
    this.#line = options.line;
    this.#periodMs = options.periodMs ?? 60_000;
  }

  record(status: number, route: string, client: string): void {
    this.#refused += 1;
    const key = `${status} ${route}`;
    this.#byStatus.set(key, (this.#byStatus.get(key) ?? 0) + 1);
    const known = this.#byClient.has(client) || this.#byClient.size < MAX_CLIENTS ? client : 'other';
    this.#byClient.set(known, (this.#byClient.get(known) ?? 0) + 1);
    if (this.#timer !== undefined) return;
    this.#flush();
    this.#window();
  }

  #window(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#refused === 0) return;
      this.#flush();
      this.#window();
    }, this.#periodMs);
    this.#timer.unref();
  }

  #flush(): void {
    const topClients = [...this.#byClient]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP_CLIENTS)
      .map(([client, count]) => ({ client, count }));
    this.#line({ refused: this.#refused, byStatus: Object.fromEntries(this.#byStatus), topClients, periodSeconds: this.#periodMs / 1000 }, 'requests refused');
    this.#byStatus = new Map();
    this.#byClient = new Map();
    this.#refused = 0;
  }
}
