import fc from 'fast-check';
import { hashRing } from '../hash-ring.ts';

const SEED = 22;
const members = fc.uniqueArray(fc.integer({ min: 0, max: 15 }).map((n) => `signaling-${n}`), { minLength: 2, maxLength: 8 });
const keys = fc.uniqueArray(fc.uuid(), { minLength: 50, maxLength: 200 });

test('a member leaving remaps only its own keys; every other key keeps its member', () => {
  fc.assert(
    fc.property(members, fc.nat(), keys, (names, pick, rooms) => {
      const leaving = names[pick % names.length]!;
      const before = hashRing(names);
      const after = hashRing(names.filter((name) => name !== leaving));
      for (const room of rooms) {
        const owner = before.owner(room)!;
        if (owner === leaving) expect(after.owner(room)).not.toBe(leaving);
        else expect(after.owner(room)).toBe(owner);
      }
    }),
    { seed: SEED, numRuns: 100 },
  );
});

test('a member joining takes keys only for itself', () => {
  fc.assert(
    fc.property(members, keys, (names, rooms) => {
      const [joining, ...rest] = names;
      const before = hashRing(rest);
      const after = hashRing(names);
      for (const room of rooms) expect([before.owner(room), joining]).toContain(after.owner(room));
    }),
    { seed: SEED, numRuns: 100 },
  );
});

test("the order of tries is every member once, the owner first, and is the key's order on the ring without the owner", () => {
  fc.assert(
    fc.property(members, keys, (names, rooms) => {
      const ring = hashRing(names);
      for (const room of rooms.slice(0, 20)) {
        const order = ring.order(room);
        expect([...order].sort()).toEqual([...names].sort());
        expect(order[0]).toBe(ring.owner(room));
        // When the owner leaves, its keys go to the next member in that order (Envoy's retry host).
        expect(hashRing(names.filter((name) => name !== order[0])).owner(room)).toBe(order[1]);
      }
    }),
    { seed: SEED, numRuns: 50 },
  );
});

test("the ring does not depend on the members' order; an empty ring has no owner", () => {
  fc.assert(
    fc.property(members, keys, (names, rooms) => {
      const [forward, backward] = [hashRing(names), hashRing([...names].reverse())];
      for (const room of rooms) expect(backward.owner(room)).toBe(forward.owner(room));
    }),
    { seed: SEED, numRuns: 50 },
  );
  expect(hashRing([]).owner('x')).toBeUndefined();
  expect(hashRing([]).order('x')).toEqual([]);
});

test('rooms spread over 2 and 4 replicas within 10 points of an even share', () => {
  const rooms = Array.from({ length: 20_000 }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
  for (const count of [2, 4]) {
    const ring = hashRing(Array.from({ length: count }, (_, n) => `signaling-${n}`));
    const shares = new Map<string, number>();
    for (const room of rooms) {
      const owner = ring.owner(room)!;
      shares.set(owner, (shares.get(owner) ?? 0) + 1);
    }
    expect(shares.size).toBe(count);
    for (const share of shares.values()) expect(Math.abs(share / rooms.length - 1 / count)).toBeLessThan(0.1);
  }
});
