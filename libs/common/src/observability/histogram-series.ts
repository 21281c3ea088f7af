import type { Histogram } from 'prom-client';

/** A label value as the caller has it; written into the series' labels as `String(value)`. */
export type LabelValue = string | number | boolean;

/** The values of a histogram's `labelNames`, in that order: at most five (see MAX_LABELS). */
export type LabelValues = [LabelValue?, LabelValue?, LabelValue?, LabelValue?, LabelValue?];

/** prom-client's record of one series (lib/histogram.js, `createBaseValues`), which it renders, resets and removes. */
interface SeriesEntry {
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/** The parts of prom-client's Histogram that hold its series; they are not in its typings. */
interface HistogramInternals {
  hashMap: Record<string, SeriesEntry | undefined>;
  upperBounds: readonly number[];
  labelNames: readonly string[];
  sortedLabelNames: readonly string[];
}

/** One tuple of label values, resolved once: prom-client's key for it and its labels object. */
interface Series {
  readonly hash: string;
  readonly labels: Record<string, string>;
}

type Node = Map<LabelValue | undefined, Node | Series>;

/** Label values are arguments of their own rather than an array, so that an observation allocates nothing. */
const MAX_LABELS = 5;

/**
 * Observations of a prom-client Histogram by label values, without prom-client's per-call work.
 * Its `observe(labels, value)` validates the label names, builds a key string from the sorted
 * labels and turns the bucket bound into a property name on every call: ~0.4 KB of garbage and
 * a few µs, on every request and store call. Here nested Maps, one level per label, resolve the
 * values as the caller has them (no string or object is built per call) to the series' key,
 * computed once, and the observation updates prom-client's own record of the series as its
 * `observe` would. Reading, exposition, `reset`, `remove` and `zero` stay prom-client's: a series
 * a reset dropped is made again, by prom-client's `zero`, at its next observation. The Maps keep
 * every tuple seen, as prom-client's own records do until a reset: label values must be bounded.
 */
export class HistogramSeries<Labels extends LabelValues> {
  readonly #histogram: Histogram<string>;
  readonly #internals: HistogramInternals;
  /** prom-client's bucket property names, `String(bound)`, made once rather than per observation. */
  readonly #bucketKeys: readonly string[];
  readonly #root: Node = new Map();

  /** `Labels` are the values of the histogram's `labelNames`, in that order. */
  constructor(histogram: Histogram<string>) {
    this.#histogram = histogram;
    this.#internals = histogram as unknown as HistogramInternals;
    this.#bucketKeys = this.#internals.upperBounds.map(String);
    if (this.#internals.labelNames.length > MAX_LABELS) throw new Error(`at most ${MAX_LABELS} labels: ${this.#internals.labelNames.join(', ')}`);
  }

  observe(value: number, ...labels: Labels): void;
  observe(value: number, l0?: LabelValue, l1?: LabelValue, l2?: LabelValue, l3?: LabelValue, l4?: LabelValue): void {
    // Always five levels: those past the histogram's labels are keyed by `undefined`.
    const node = branch(branch(branch(branch(this.#root, l0), l1), l2), l3);
    const series = (node.get(l4) as Series | undefined) ?? this.#resolved(node, [l0, l1, l2, l3, l4]);
    if (!Number.isFinite(value)) {
      // prom-client's own check and error for NaN and infinities.
      this.#histogram.observe(series.labels, value);
      return;
    }
    const entry = this.#internals.hashMap[series.hash] ?? this.#made(series);
    // The first bound not below the value, as prom-client's `findBound`; above the last bound only +Inf (the count) holds it.
    const bounds = this.#internals.upperBounds;
    for (let i = 0; i < bounds.length; i += 1) {
      if (value <= bounds[i]!) {
        entry.bucketValues[this.#bucketKeys[i]!]! += 1;
        break;
      }
    }
    entry.sum += value;
    entry.count += 1;
  }

  #resolved(node: Node, values: (LabelValue | undefined)[]): Series {
    const { labelNames, sortedLabelNames } = this.#internals;
    const given = values.filter((label) => label !== undefined).length;
    if (given !== labelNames.length || values.slice(0, given).includes(undefined)) {
      throw new Error(`${labelNames.length} label values expected (${labelNames.join(', ')}), got ${given}`);
    }
    const labels: Record<string, string> = {};
    labelNames.forEach((name, i) => {
      labels[name] = String(values[i]);
    });
    // prom-client's key (lib/util.js, `hashObject` by the sorted label names).
    const series = { hash: sortedLabelNames.map((name) => `${name}:${labels[name]},`).join(''), labels };
    node.set(values[MAX_LABELS - 1], series);
    return series;
  }

  /** prom-client makes the record as its `observe` would; finding it under our key proves the key is prom-client's. */
  #made(series: Series): SeriesEntry {
    this.#histogram.zero(series.labels);
    const entry = this.#internals.hashMap[series.hash];
    if (entry === undefined) throw new Error(`prom-client keeps a series of ${this.#internals.labelNames.join(', ')} under another key than ${series.hash}`);
    return entry;
  }
}

/** The child of `node` for `label`, made on first use. */
function branch(node: Node, label: LabelValue | undefined): Node {
  let next = node.get(label) as Node | undefined;
  if (next === undefined) {
    next = new Map();
    node.set(label, next);
  }
  return next;
}
