/** Where a summary line goes: a pino logger's method bound to its level. */
export type LogLine = (fields: object, message: string) => void;

export interface RepeatedLogOptions {
  line: LogLine;
  /** At most one line per key per this period (default 60 s). */
  periodMs?: number;
}

/**
 * A line that repeats for as long as a fault lasts (a dependency down answers every request
 * with the same warning) is written once when it starts, then at most once per period per key
 * with how many times it recurred meanwhile. An outage of many minutes thus costs its log a line
 * a minute instead of a line per request.
 */
export class RepeatedLog {
  readonly #line: LogLine;
  readonly #periodMs: number;
  readonly #quiet = new Map<string, { repeated: number; fields: object; message: string }>();

  constructor(options: RepeatedLogOptions) {
    this.#line = options.line;
    this.#periodMs = options.periodMs ?? 60_000;
  }

  record(key: string, fields: object, message: string): void {
    const quiet = this.#quiet.get(key);
    if (quiet !== undefined) {
      quiet.repeated += 1;
      quiet.fields = fields;
      return;
    }
    this.#line(fields, message);
    this.#hold(key, fields, message);
  }

  #hold(key: string, fields: object, message: string): void {
    const timer = setTimeout(() => {
      const quiet = this.#quiet.get(key)!;
      this.#quiet.delete(key);
      if (quiet.repeated === 0) return;
      this.#line({ ...quiet.fields, repeated: quiet.repeated, periodSeconds: this.#periodMs / 1000 }, `${quiet.message} (repeated)`);
      this.#hold(key, quiet.fields, quiet.message);
    }, this.#periodMs);
    timer.unref();
    this.#quiet.set(key, { repeated: 0, fields, message });
  }
}

/** An error as a log field without its stack: what failed, not where in the SDK it was thrown. */
export function errorSummary(error: unknown): { type: string; message: string; code?: string | number } {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message.split('\n', 1)[0]!.slice(0, 300),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
  };
}
