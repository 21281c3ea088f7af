import fc from 'fast-check';
import { ExpiryHeap } from '../src/domain/expiry-heap.ts';
import { WaiterRegistry, type Parked, type WaitOutcome } from '../src/domain/waiters.ts';

/** Long enough that no wait times out while a property runs: these properties are about order, not time. */
const NEVER_MS = 3_600_000;

test('the expiry heap gives back what is left in order of due, whatever was pushed and removed', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 200 }), (ops) => {
      const heap = new ExpiryHeap<{ due: number; heapIndex: number }>();
      const live: { due: number; heapIndex: number }[] = [];
      for (const [due, removeOne] of ops) {
        if (removeOne && live.length > 0) {
          const [gone] = live.splice(due % live.length, 1);
          heap.remove(gone!);
          heap.remove(gone!);
          expect(gone!.heapIndex).toBe(-1);
        } else {
          const item = { due, heapIndex: -1 };
          heap.push(item);
          live.push(item);
        }
      }
      expect(heap.size).toBe(live.length);
      const drained: number[] = [];
      for (let first = heap.peek(); first !== undefined; first = heap.peek()) {
        drained.push(first.due);
        heap.remove(first);
      }
      expect(drained).toEqual(live.map((item) => item.due).sort((a, b) => a - b));
    }),
  );
});

type Op = { kind: 'park'; slot: number } | { kind: 'wake'; slot: number } | { kind: 'cancel' | 'leave'; pick: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('park' as const), slot: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('wake' as const), slot: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constantFrom('cancel' as const, 'leave' as const), pick: fc.nat() }),
  ),
  { maxLength: 60 },
);

test('every parked waiter is answered once: by its slot wake-up, its cancel, its client leaving or shutdown', async () => {
  await fc.assert(
    fc.asyncProperty(ops, async (steps: Op[]) => {
      const registry = new WaiterRegistry<number>();
      const parked: { slot: number; waiter: Parked<number>; client: { aborted: boolean; onabort: (() => void) | null }; expected?: WaitOutcome }[] = [];
      const open = () => parked.filter((entry) => entry.expected === undefined);
      steps.forEach((step, index) => {
        if (step.kind === 'park') {
          const client = { aborted: false, onabort: null as (() => void) | null };
          parked.push({ slot: step.slot, waiter: registry.park(`slot-${step.slot}`, NEVER_MS, client), client });
        } else if (step.kind === 'wake') {
          registry.wake(`slot-${step.slot}`, 'woken', index);
          for (const entry of open()) if (entry.slot === step.slot) entry.expected = 'woken';
        } else {
          const entry = parked[step.pick % Math.max(1, parked.length)];
          if (entry === undefined) return;
          if (step.kind === 'cancel') entry.waiter.cancel();
          else {
            entry.client.aborted = true;
            entry.client.onabort?.();
          }
          entry.expected ??= step.kind === 'cancel' ? 'recheck' : 'client_gone';
        }
        expect(registry.size).toBe(open().length);
      });
      registry.close();
      for (const entry of open()) entry.expected = 'shutdown';
      expect(registry.size).toBe(0);
      const outcomes = await Promise.all(parked.map((entry) => entry.waiter.outcome));
      expect(outcomes).toEqual(parked.map((entry) => entry.expected));
      for (const entry of parked) expect(entry.client.onabort).toBeNull();
      await expect(registry.park('slot-0', NEVER_MS, { aborted: false, onabort: null }).outcome).resolves.toBe('shutdown');
    }),
  );
});

test('a wake-up hands its detail to the woken waiters only', async () => {
  const registry = new WaiterRegistry<string>();
  const line = () => ({ aborted: false, onabort: null });
  const [a, b, other] = [registry.park('s', NEVER_MS, line()), registry.park('s', NEVER_MS, line()), registry.park('t', NEVER_MS, line())];
  registry.wake('s', 'woken', 'token-1');
  expect(await Promise.all([a.outcome, b.outcome])).toEqual(['woken', 'woken']);
  expect([a.detail, b.detail, other.detail]).toEqual(['token-1', 'token-1', undefined]);
  registry.close();
  expect(await other.outcome).toBe('shutdown');
});

test('a client already gone is not parked', async () => {
  const registry = new WaiterRegistry();
  const parked = registry.park('s', NEVER_MS, { aborted: true, onabort: null });
  expect(registry.size).toBe(0);
  expect(await parked.outcome).toBe('client_gone');
});

test('an AbortSignal is a client line', async () => {
  const registry = new WaiterRegistry();
  const controller = new AbortController();
  const parked = registry.park('s', NEVER_MS, controller.signal);
  controller.abort();
  expect(await parked.outcome).toBe('client_gone');
  expect(registry.size).toBe(0);
});
