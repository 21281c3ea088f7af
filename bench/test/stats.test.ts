import { median, medianOf, percentile, summarize } from '../lib/stats.ts';

test('percentile is nearest-rank over an ascending array', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(sorted, 50)).toBe(50);
  expect(percentile(sorted, 99)).toBe(99);
  expect(percentile(sorted, 100)).toBe(100);
  expect(percentile([7], 99)).toBe(7);
  expect(percentile([], 50)).toBeNaN();
});

test('summarize sorts numerically, not as strings', () => {
  expect(summarize([10, 9, 100, 2])).toEqual({ count: 4, p50: 9, p99: 100, max: 100 });
});

test('median ignores rounds that produced no figure', () => {
  expect(median([3, Number.NaN, 1, 2])).toBe(2);
  expect(median([4, 1])).toBe(2.5);
  expect(median([Number.NaN])).toBeNaN();
});

test('medianOf takes the median of each field separately', () => {
  expect(medianOf([{ a: 1, b: 30 }, { a: 3, b: 10 }, { a: 2, b: 20 }])).toEqual({ a: 2, b: 20 });
});
