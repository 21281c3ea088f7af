/**
 * The shipped rules file with time compressed: every `for`, group `interval` and range selector
 * divided by the same factor, so a test sees in seconds what production sees in minutes. Thresholds,
 * ratios and rates are per second either way and stay as they are. Generated from the shipped
 * file on every run, never kept by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { RULES_FILE, type Rule } from './artifacts.ts';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(\d+)([smhdw])$/;
const RANGE = /\[(\d+[smhdw])\]/g;

/** `5m` with factor 60 is `5000ms`; durations are whole numbers of one unit in the shipped file. */
export function compressDuration(duration: string, factor: number): string {
  const match = DURATION.exec(duration);
  if (match === null) throw new Error(`unsupported duration ${duration} (one integer and one unit expected)`);
  const milliseconds = Math.round((Number(match[1]) * UNIT_SECONDS[match[2]!]! * 1000) / factor);
  if (milliseconds < 1) throw new Error(`${duration} / ${factor} is below a millisecond`);
  return `${milliseconds}ms`;
}

export function compressExpression(expression: string, factor: number): string {
  if (/\[\d+[smhdw]:|\boffset\b/.test(expression)) throw new Error(`subqueries and offsets are not compressed: ${expression}`);
  return expression.replace(RANGE, (_whole, duration: string) => `[${compressDuration(duration, factor)}]`);
}

interface RulesFile {
  groups: Array<{ name: string; interval?: string; rules: Rule[] }>;
}

/** Writes the compressed copy into `dir` and returns its path. */
export function writeCompressedRules(dir: string, factor: number): string {
  const file = parse(readFileSync(RULES_FILE, 'utf8')) as RulesFile;
  const compressed: RulesFile = {
    groups: file.groups.map((group) => ({
      ...group,
      ...(group.interval === undefined ? {} : { interval: compressDuration(group.interval, factor) }),
      rules: group.rules.map((rule) => ({
        ...rule,
        expr: compressExpression(rule.expr, factor),
        ...(rule.for === undefined ? {} : { for: compressDuration(rule.for, factor) }),
      })),
    })),
  };
  const path = join(dir, 'prometheus-rules.compressed.yaml');
  writeFileSync(path, stringify(compressed));
  return path;
}
