import { KnownItems } from '../../src/store/known-items.ts';

test('an item is known until its ttl (less a second of margin) runs out, for at most a minute', () => {
  const known = new KnownItems();
  known.saw('short', 10, 0);
  known.saw('long', 900, 0);
  expect(known.exists('short', 8_999)).toBe(true);
  expect(known.exists('short', 9_000)).toBe(false);
  expect(known.exists('long', 59_999)).toBe(true);
  expect(known.exists('long', 60_000)).toBe(false);
  expect(known.exists('never', 0)).toBe(false);
});

test('a ttl too short to outlast the margin, or none, teaches nothing', () => {
  const known = new KnownItems();
  known.saw('one', 1, 0);
  known.saw('none', undefined, 0);
  expect(known.exists('one', 0)).toBe(false);
  expect(known.exists('none', 0)).toBe(false);
});

test('forgotten entries are swept as the map grows, and a map of only live entries starts over beyond its bound', () => {
  const known = new KnownItems();
  for (let i = 0; i < 10_000; i += 1) known.saw(`old-${i}`, 10, 0);
  known.saw('fresh', 10, 20_000);
  expect(known.exists('fresh', 20_000)).toBe(true);
  // Asked at time 0, an entry still stored would answer true.
  expect(known.exists('old-0', 0)).toBe(false);

  const full = new KnownItems();
  // The first sweep (at 10,001 live entries) postpones the next to twice that size, where the bound clears all.
  for (let i = 0; i < 20_002; i += 1) full.saw(`live-${i}`, 900, 0);
  expect(full.exists('live-0', 1)).toBe(true);
  full.saw('one-too-many', 900, 0);
  expect(full.exists('live-0', 1)).toBe(false);
  expect(full.exists('one-too-many', 1)).toBe(false);
});
