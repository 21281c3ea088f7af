import { RefusalSummary } from '@signal/common/observability/refusal-summary';
import type { RefusalReason } from './wakeup-server.ts';

export interface RefusalReportOptions {
  /** Counts every refusal (signal_wakeups_refused_total). */
  count(reason: RefusalReason): void;
  warn(fields: object, message: string): void;
  /** At most one log line per this period, however many refusals (default 10 s). */
  periodMs?: number;
}

/** The answer each refusal gets (or would: a connection closed gets none), for the summary. */
const STATUS: Record<RefusalReason, number> = {
  route: 404,
  length: 413,
  malformed: 401,
  mac: 401,
  stale: 401,
  replay: 401,
  recipient: 421,
  body: 400,
  replay_cache_full: 503,
  protocol: 400,
  timeout: 408,
  evicted: 503,
};

/**
 * Refusals on the wake-up port are counted one by one but logged as the API's refusals are
 * (RefusalSummary): the first at once, then at most one warn line per period with the count by
 * status and reason and the senders that drew the most. A flood of forged requests thus costs
 * the log a line every ten seconds, not a line each.
 */
export class RefusalReport {
  readonly #count: (reason: RefusalReason) => void;
  readonly #summary: RefusalSummary;

  constructor(options: RefusalReportOptions) {
    this.#count = options.count;
    this.#summary = new RefusalSummary({ line: (fields) => options.warn(fields, 'wake-up requests refused'), periodMs: options.periodMs ?? 10_000 });
  }

  readonly record = (reason: RefusalReason, remote: string): void => {
    this.#count(reason);
    this.#summary.record(STATUS[reason], reason, remote.replace(/:\d+$/, ''));
  };
}
