/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) if (key !== undefined) labels[key] = value ?? '';
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const STORE_OPS = 'signal_store_operation_duration_seconds_count';

/** Store operation counts keyed `store.op.outcome` (e.g. `memory.sdp_get.ok`). */
export function storeOperationCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sample of parseSamples(text)) {
    if (sample.name !== STORE_OPS) continue;
    const key = `${sample.labels.store ?? '?'}.${sample.labels.op ?? '?'}.${sample.labels.outcome ?? '?'}`;
    counts.set(key, (counts.get(key) ?? 0) + sample.value);
  }
  return counts;
}

/** after - before per key, keeping only keys that moved. */
export function countDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [key, value] of after) {
    const moved = value - (before.get(key) ?? 0);
    if (moved !== 0) delta.set(key, moved);
  }
  return delta;
}

/** Sum of a metric's samples across label sets; undefined when the process does not export it. */
export function metricTotal(text: string, name: string): number | undefined {
  const values = parseSamples(text).filter((sample) => sample.name === name);
  return values.length === 0 ? undefined : values.reduce((sum, sample) => sum + sample.value, 0);
}

/** A store read is an operation whose name says get/read, whatever the adapter. */
export const isReadOperation = (key: string): boolean => /\.[a-z_]*(get|read)[a-z_]*\./.test(key);
