import { ReplayCache } from '../../src/wakeups/http/replay-cache.ts';
import { FRESHNESS_MS } from '../../src/wakeups/http/wakeup-mac.ts';

test('a nonce is fresh once, then a replay for as long as its timestamp is fresh', () => {
  const cache = new ReplayCache();
  expect(cache.admit('nonce-a', 1_000, 1_000)).toBe('fresh');
  expect(cache.admit('nonce-a', 1_000, 1_000 + FRESHNESS_MS)).toBe('replay');
});

test('a nonce is forgotten once its timestamp left the freshness window, keeping memory bounded by traffic', () => {
  const cache = new ReplayCache();
  for (let i = 0; i < 100; i += 1) cache.admit(`nonce-${i}`, 1_000, 1_000);
  cache.admit('later', 1_000 + FRESHNESS_MS + 1, 1_000 + FRESHNESS_MS + 1);
  expect(cache.size).toBe(1);
});

test('when full, a new nonce is refused rather than an unexpired one forgotten', () => {
  const cache = new ReplayCache(3);
  for (const nonce of ['a', 'b', 'c']) expect(cache.admit(nonce, 1_000, 1_000)).toBe('fresh');
  expect(cache.admit('d', 1_000, 1_001)).toBe('full');
  expect(cache.admit('a', 1_000, 1_002)).toBe('replay');
  expect(cache.admit('d', 2_000, 1_000 + FRESHNESS_MS + 1)).toBe('fresh');
});
