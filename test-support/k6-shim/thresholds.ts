// k6 thresholds, parsed strictly and judged on the smoke run's samples. A threshold naming a metric
// that does not exist, using an aggregation its metric type lacks, or filtering on tags no sample
// carries would pass silently in k6 forever: here each is an error.
import type { MetricType, Sample } from './runtime.ts';

export interface ThresholdResult {
  key: string;
  expression: string;
  /** The aggregated value the expression was judged on (NaN when there was nothing to judge). */
  value: number;
  ok: boolean;
  problem?: string;
}

const KEY = /^([^{}\s]+)(?:\{([^{}]*)\})?$/;
const EXPRESSION = /^(avg|min|max|med|count|rate|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)$/;
const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^(value|min|max)$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\(.*\))$/,
};

function parseKey(key: string): { metric: string; filters: [string, string][] } {
  const match = KEY.exec(key);
  if (!match?.[1]) throw new Error(`bad threshold key ${key}`);
  const filters = (match[2] ?? '')
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part): [string, string] => {
      const colon = part.indexOf(':');
      if (colon <= 0) throw new Error(`bad tag filter "${part}" in ${key}`);
      return [part.slice(0, colon).trim(), part.slice(colon + 1).trim()];
    });
  return { metric: match[1], filters };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  // k6 interpolates between closest ranks.
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const lower = sorted[low] ?? Number.NaN;
  const upper = sorted[Math.min(sorted.length - 1, low + 1)] ?? lower;
  return lower + (upper - lower) * (rank - low);
}

function aggregate(aggregation: string, values: number[], type: MetricType, seconds: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((total, value) => total + value, 0);
  const percentileMatch = /^p\((.+)\)$/.exec(aggregation);
  if (percentileMatch?.[1]) return percentile(sorted, Number(percentileMatch[1]));
  switch (aggregation) {
    case 'avg':
      return sum / values.length;
    case 'min':
      return sorted[0] ?? Number.NaN;
    case 'max':
      return sorted[sorted.length - 1] ?? Number.NaN;
    case 'med':
      return percentile(sorted, 50);
    case 'count':
      return sum;
    case 'value':
      return values[values.length - 1] ?? Number.NaN;
    default:
      // rate: share of non-zero samples for a Rate, per second for a Counter.
      return type === 'rate' ? values.filter((value) => value !== 0).length / values.length : sum / seconds;
  }
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** How a threshold without samples starts its problem. */
export const NO_SAMPLE = 'no sample matches';

export function judgeThresholds(
  thresholds: Record<string, (string | { threshold: string })[]>,
  metrics: ReadonlyMap<string, MetricType>,
  samples: readonly Sample[],
  seconds: number,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [key, list] of Object.entries(thresholds)) {
    for (const entry of list) {
      const expression = (typeof entry === 'string' ? entry : entry.threshold).trim();
      const result = (ok: boolean, value: number, problem?: string): ThresholdResult => ({ key, expression, value, ok, ...(problem ? { problem } : {}) });
      let parsed: ReturnType<typeof parseKey>;
      try {
        parsed = parseKey(key);
      } catch (error) {
        results.push(result(false, Number.NaN, (error as Error).message));
        continue;
      }
      const type = metrics.get(parsed.metric);
      const match = EXPRESSION.exec(expression);
      if (type === undefined) results.push(result(false, Number.NaN, `no metric named ${parsed.metric}`));
      else if (!match?.[1] || !match[3] || match[4] === undefined) results.push(result(false, Number.NaN, `bad threshold expression "${expression}"`));
      else if (!AGGREGATIONS[type].test(match[1])) results.push(result(false, Number.NaN, `${match[1]} does not apply to ${parsed.metric}, a ${type}`));
      else {
        const values = samples.filter((s) => s.metric === parsed.metric && parsed.filters.every(([tag, want]) => s.tags[tag] === want)).map((s) => s.value);
        if (values.length === 0) {
          results.push(result(false, Number.NaN, `${NO_SAMPLE}: a misspelt metric or tag, or a path the smoke run never took`));
        } else {
          const value = aggregate(match[1], values, type, seconds);
          results.push(result((COMPARE[match[3]] ?? (() => false))(value, Number(match[4])), value));
        }
      }
    }
  }
  return results;
}
