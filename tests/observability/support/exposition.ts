/** Reads a Prometheus text exposition (what /metrics returns) into names, label names and values. */

export interface Exposition {
  /** Every sample name the families declare (histograms: _bucket, _sum, _count), with or without samples. */
  declared: Set<string>;
  /** Label names seen per sample name, for names that have at least one sample. */
  sampleLabels: Map<string, Set<string>>;
  /** Every label value of every sample. */
  labelValues: string[];
}

const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+\S+(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Exposition {
  const declared = new Set<string>();
  const sampleLabels = new Map<string, Set<string>>();
  const labelValues: string[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      for (const suffix of SUFFIXES[type[2]!] ?? ['']) declared.add(`${type[1]}${suffix}`);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (sample === null) throw new Error(`unparsable exposition line: ${line}`);
    const labels = sampleLabels.get(sample[1]!) ?? new Set<string>();
    for (const [, name, value] of (sample[2] ?? '').matchAll(LABEL)) {
      labels.add(name!);
      labelValues.push(value!);
    }
    sampleLabels.set(sample[1]!, labels);
  }
  return { declared, sampleLabels, labelValues };
}
