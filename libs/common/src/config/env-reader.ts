/** Thrown at start-up when environment variables are invalid; the message names each bad variable. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/**
 * Typed reads of environment variables. Problems are collected rather than thrown one by one so
 * an operator sees every mistake in a single start-up attempt; call `done()` to throw them.
 */
export class EnvReader {
  readonly #env: Env;
  readonly #problems: string[] = [];

  constructor(env: Env) {
    this.#env = env;
  }

  /** The trimmed value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    const value = this.#env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  problem(message: string): void {
    this.#problems.push(message);
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  required(name: string, why: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.problem(`${name} is required ${why}`);
      return '';
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problem(`${name}=${JSON.stringify(value)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.problem(`${name}=${JSON.stringify(value)} must be true or false`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problem(`${name}=${JSON.stringify(value)} must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  }

  /** Comma-separated list, blanks dropped, order kept. */
  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  matching(name: string, fallback: string, pattern: RegExp, description: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!pattern.test(value)) {
      this.problem(`${name}=${JSON.stringify(value)} must be ${description}`);
      return fallback;
    }
    return value;
  }

  done(): void {
    if (this.#problems.length > 0) throw new ConfigError(this.#problems);
  }
}

/** A set variable that is not one Signal reads but looks like one: most likely a misspelling. */
export interface Lookalike {
  name: string;
  /** The known variable nearest to it. */
  intended: string;
}

/**
 * Variables in `env` that Signal would silently ignore although they look like its own: they
 * start with one of `prefixes`, or are a small edit away from a `known` name. Never an error:
 * other software shares the environment, so this only ever feeds a warning.
 */
export function lookalikeVariables(env: Env, known: readonly string[], prefixes: readonly string[]): Lookalike[] {
  const knownSet = new Set(known);
  const found: Lookalike[] = [];
  for (const name of Object.keys(env).sort()) {
    if (knownSet.has(name)) continue;
    const nearest = nearestName(name, known);
    if (nearest === undefined) continue;
    if (prefixes.some((prefix) => name.startsWith(prefix)) || nearest.distance <= tolerance(nearest.name)) found.push({ name, intended: nearest.name });
  }
  return found;
}

/** Short names get one edit, longer ones two: `PORT` must not claim `PWD` or `HOME`-like neighbours. */
function tolerance(name: string): number {
  return name.length <= 8 ? 1 : 2;
}

function nearestName(name: string, known: readonly string[]): { name: string; distance: number } | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}
