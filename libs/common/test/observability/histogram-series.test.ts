/**
 * HistogramSeries updates prom-client's own records of a histogram's series, so a scrape must read
 * byte for byte as if every observation had gone through prom-client's `observe`: the same random
 * sequences of observations, resets, removals and zeroed series, applied to HistogramSeries on one
 * registry and to a plain prom-client Histogram on another, give the same exposition text.
 */
import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { HistogramSeries, type LabelValue } from '../../src/observability/histogram-series.ts';
import { LATENCY_BUCKETS, Metrics } from '../../src/observability/metrics.ts';

// Out of alphabetical order, so prom-client's key (by sorted names) and the labels' order differ;
// `service` is also the registry's default label, which a series' own value overrides.
const LABEL_NAMES = ['status', 'service', 'route'] as const;
type Labels = [status: LabelValue, service: LabelValue, route: LabelValue];

function histogramIn(registry: Registry): Histogram<string> {
  registry.setDefaultLabels({ service: 'default' });
  return new Histogram({ name: 'signal_test_duration_seconds', help: 'A "test" \\ histogram\nover two lines', labelNames: LABEL_NAMES, buckets: LATENCY_BUCKETS, registers: [registry] });
}

const labelsOf = ([status, service, route]: Labels) => ({ status, service, route }) as Record<string, string>;

// Label values needing escaping (\, ", newline), prom-client's key separators (: and ,), empty,
// non-ASCII, and numbers and booleans as callers pass them.
const text = fc.oneof(fc.constantFrom('', 'GET', '/offer', 'a"b', 'back\\slash', 'two\nlines', 'k:v,', 'é😀'), fc.string({ maxLength: 6 }));
const labelValue: fc.Arbitrary<LabelValue> = fc.oneof(text, fc.constantFrom(200, 499, 0), fc.boolean());
const labels: fc.Arbitrary<Labels> = fc.tuple(labelValue, labelValue, labelValue);

// Bucket edges and their neighbours, 0 and -0, negatives, values past the last bound, huge and tiny.
const edges = LATENCY_BUCKETS.flatMap((bound) => [bound, bound * (1 - Number.EPSILON), bound * (1 + Number.EPSILON)]);
const value = fc.oneof(fc.constantFrom(0, -0, -1, 31, 1e300, Number.MIN_VALUE, ...edges), fc.double({ noNaN: true, noDefaultInfinity: true }));

type Operation =
  | { kind: 'observe'; labels: Labels; value: number }
  | { kind: 'observe through prom-client'; labels: Labels; value: number }
  | { kind: 'reset' }
  | { kind: 'remove'; labels: Labels }
  | { kind: 'zero'; labels: Labels };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('observe' as const), labels, value }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('observe through prom-client' as const), labels, value }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), labels }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('zero' as const), labels }) },
);

test('a scrape reads the same as with prom-client observing every value', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { maxLength: 60 }), async (operations) => {
      const [fastRegistry, plainRegistry] = [new Registry(), new Registry()];
      const [fastHistogram, plain] = [histogramIn(fastRegistry), histogramIn(plainRegistry)];
      const series = new HistogramSeries<Labels>(fastHistogram);
      for (const op of operations) {
        for (const [histogram, isFast] of [[fastHistogram, true], [plain, false]] as const) {
          if (op.kind === 'observe' && isFast) series.observe(op.value, ...op.labels);
          else if (op.kind === 'observe' || op.kind === 'observe through prom-client') histogram.observe(labelsOf(op.labels), op.value);
          else if (op.kind === 'reset') histogram.reset();
          else if (op.kind === 'remove') histogram.remove(labelsOf(op.labels));
          else histogram.zero(labelsOf(op.labels));
        }
      }
      expect(await fastRegistry.metrics()).toBe(await plainRegistry.metrics());
    }),
    { numRuns: 500 },
  );
});

test('NaN and infinities are refused as prom-client refuses them, and count nowhere', async () => {
  const registry = new Registry();
  const histogram = histogramIn(registry);
  const series = new HistogramSeries<Labels>(histogram);
  for (const refused of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    expect(() => series.observe(refused, 200, 'signaling', '/offer')).toThrow(new TypeError(`Value is not a valid number: ${refused}`));
  }
  expect(await registry.metrics()).not.toMatch(/_count\{/);
});

test('label values are given for every label name, of at most five', () => {
  const series = new HistogramSeries<[LabelValue, LabelValue]>(histogramIn(new Registry()));
  expect(() => series.observe(1, 200, 'signaling')).toThrow('3 label values expected (status, service, route), got 2');
  const six = new Histogram({ name: 'six', help: 'six labels', labelNames: ['a', 'b', 'c', 'd', 'e', 'f'], registers: [] });
  expect(() => new HistogramSeries(six)).toThrow('at most 5 labels: a, b, c, d, e, f');
});

test("the request and store series observe into their histograms, under the labels' names", async () => {
  const metrics = new Metrics('all-in-one');
  metrics.httpDurations.observe(0.003, 'signaling', 'GET', '/offer', 200, true);
  metrics.storeDurations.observe(0.0001, 'memory', 'sdp_get', 'miss');
  const scrape = await metrics.registry.metrics();
  expect(scrape).toMatch(/^signal_http_request_duration_seconds_bucket\{le="0.005",service="signaling",method="GET",route="\/offer",status="200",longpoll="true"\} 1$/m);
  expect(scrape).toMatch(/^signal_store_operation_duration_seconds_count\{service="all-in-one",store="memory",op="sdp_get",outcome="miss"\} 1$/m);
});
