import { ManualClock } from '../../src/clock.ts';
import { approximateBytes, ByteBudget } from '../../src/adapters/memory/byte-budget.ts';
import { ExpiringMap } from '../../src/adapters/memory/expiring-map.ts';

interface Item {
  expiresAt: number;
  owner: string;
  record?: { sdp: string; tags: string[] };
}

const MINUTE = 60_000;

function withMap(run: (map: ExpiringMap<Item>, budget: ByteBudget, clock: ManualClock) => void): void {
  const clock = new ManualClock();
  const budget = new ByteBudget(1024 * 1024, clock);
  const map = new ExpiringMap<Item>(clock, { budget, ownerOf: (_key, item) => item.owner });
  try {
    run(map, budget, clock);
  } finally {
    map.close();
  }
}

test('a stored value is a frozen copy: changing what was passed in changes nothing stored', () => {
  withMap((map, _budget, clock) => {
    const item: Item = { expiresAt: clock.now() + MINUTE, owner: 'alice', record: { sdp: 'v=0', tags: ['a'] } };
    map.set('k', item);
    item.record!.sdp = 'changed';
    item.record!.tags.push('b');
    const stored = map.get('k')!;
    expect(stored).toEqual({ expiresAt: clock.now() + MINUTE, owner: 'alice', record: { sdp: 'v=0', tags: ['a'] } });
    expect([Object.isFrozen(stored), Object.isFrozen(stored.record), Object.isFrozen(stored.record!.tags)]).toEqual([true, true, true]);
  });
});

test("a stored value carried into another entry is shared, not copied again; an unfrozen one around it is", () => {
  withMap((map, _budget, clock) => {
    map.set('first', { expiresAt: clock.now() + MINUTE, owner: 'alice', record: { sdp: 'v=0', tags: [] } });
    const record = map.get('first')!.record!;
    const next = { expiresAt: clock.now() + 2 * MINUTE, owner: 'alice', record };
    map.set('second', next);
    expect(map.get('second')!.record).toBe(record);
    expect(map.get('second')).not.toBe(next);
  });
});

test('a key named __proto__ is copied as an own field, not as a prototype', () => {
  withMap((map, _budget, clock) => {
    const item = JSON.parse(`{"expiresAt": ${clock.now() + MINUTE}, "owner": "alice", "__proto__": {"polluted": true}}`) as Item;
    map.set('k', item);
    const stored = map.get('k') as Item & { polluted?: boolean };
    expect([Object.hasOwn(stored, '__proto__'), stored.polluted, Object.getPrototypeOf(stored)]).toEqual([true, undefined, Object.prototype]);
  });
});

test('the budget gets back exactly what each entry took, when replaced, deleted or found expired', () => {
  withMap((map, budget, clock) => {
    const small: Item = { expiresAt: clock.now() + MINUTE, owner: 'alice' };
    const large: Item = { expiresAt: clock.now() + MINUTE, owner: 'bob', record: { sdp: 'x'.repeat(5000), tags: ['t'] } };
    map.set('a', small);
    expect([budget.used, budget.usedBy('alice')]).toEqual([approximateBytes('a', small), approximateBytes('a', small)]);
    map.set('a', large);
    expect([budget.used, budget.usedBy('alice'), budget.usedBy('bob')]).toEqual([approximateBytes('a', large), 0, approximateBytes('a', large)]);
    map.set('b', small);
    map.delete('a');
    expect([budget.used, budget.usedBy('bob')]).toEqual([approximateBytes('b', small), 0]);
    clock.advance(MINUTE);
    expect(map.get('b')).toBeUndefined();
    expect([budget.used, budget.usedBy('alice')]).toEqual([0, 0]);
  });
});
