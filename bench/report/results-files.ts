/** The bench/results/ folder: where runs write their figures and where the plots read them back. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/repo.ts';

export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** An ISO time as a file name that sorts by time and is valid on every file system. */
export function resultStamp(iso: string): string {
  return iso.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
}

export function writeResultsJson(dir: string, name: string, value: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/**
 * The newest results file whose name starts with `prefix` and whose content `accept` takes.
 * Names carry their run's time stamp, so the newest sorts last.
 */
export function latestResults<T>(dir: string, prefix: RegExp, accept: (value: unknown) => value is T): T | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const candidates = names.filter((name) => name.endsWith('.json') && prefix.test(name)).sort().reverse();
  for (const name of candidates) {
    const value: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (accept(value)) return value;
  }
  return undefined;
}
