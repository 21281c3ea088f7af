import { randomUUID } from 'node:crypto';
import type { Clock } from '@signal/common/clock';
import type { SdpKey, SdpRecord, SdpStore } from '../../src/store/sdp-store.ts';
import { MINUTE, type StoreFactory, freshStorePerTest, inParallel } from '../../../../test-support/stores/store-contract-support.ts';

function newKey(overrides: Partial<SdpKey> = {}): SdpKey {
  return { room: randomUUID(), type: 'offer', from: randomUUID(), to: randomUUID(), ...overrides };
}

function newRecord(clock: Clock, key: SdpKey, overrides: Partial<SdpRecord> = {}): SdpRecord {
  return {
    ...key,
    sdp: `v=0\r\no=- ${randomUUID()} 2 IN IP4 127.0.0.1\r\ns=-\r\n`,
    shortname: 'daily-standup',
    createdAt: clock.now(),
    expiresAt: clock.now() + 5 * MINUTE,
    ...overrides,
  };
}

/** What every SdpStore adapter must do; `factory` gets a ManualClock and returns a fresh store. */
export function runSdpStoreContract(name: string, factory: StoreFactory<SdpStore>): void {
  describe(`SdpStore contract: ${name}`, () => {
    const { clock, store } = freshStorePerTest(factory);

    test('get returns exactly the stored record', async () => {
      const record = newRecord(clock(), newKey());
      await store().put(record);
      expect(await store().get(newKey(record))).toStrictEqual(record);
    });

    test('a key never written reads as undefined', async () => {
      expect(await store().get(newKey())).toBeUndefined();
    });

    test('a record is live until just before expiresAt and gone from expiresAt on', async () => {
      const record = newRecord(clock(), newKey());
      await store().put(record);
      clock().advance(5 * MINUTE - 1);
      expect(await store().get(record)).toStrictEqual(record);
      clock().advance(1);
      expect(await store().get(record)).toBeUndefined();
    });

    test('a later put replaces the record, expiry included', async () => {
      const key = newKey();
      await store().put(newRecord(clock(), key, { expiresAt: clock().now() + MINUTE }));
      const replacement = newRecord(clock(), key, { expiresAt: clock().now() + 10 * MINUTE });
      await store().put(replacement);
      clock().advance(2 * MINUTE);
      expect(await store().get(key)).toStrictEqual(replacement);
    });

    test('type, sender, receiver, direction and room each make a different slot', async () => {
      const key = newKey();
      const slots = [
        key,
        { ...key, type: 'answer' as const },
        { ...key, from: randomUUID() },
        { ...key, to: randomUUID() },
        { ...key, from: key.to, to: key.from },
        { ...key, room: randomUUID() },
      ];
      const records = slots.map((slot) => newRecord(clock(), slot));
      await store().put(records[0]!);
      for (const other of slots.slice(1)) expect(await store().get(other)).toBeUndefined();
      for (const record of records.slice(1)) await store().put(record);
      for (const [index, slot] of slots.entries()) expect(await store().get(slot)).toStrictEqual(records[index]);
    });

    test('clear removes the record, repeats harmlessly, spares other slots and works on slots never written', async () => {
      const key = newKey();
      const reverse = { ...key, from: key.to, to: key.from };
      await store().put(newRecord(clock(), key));
      const kept = newRecord(clock(), reverse);
      await store().put(kept);
      await store().clear(key);
      expect(await store().get(key)).toBeUndefined();
      await store().clear(key);
      await store().clear(newKey());
      expect(await store().get(reverse)).toStrictEqual(kept);
      const again = newRecord(clock(), key);
      await store().put(again);
      expect(await store().get(key)).toStrictEqual(again);
    });

    test('a put answers with the addresses of live waiters on its slot, and only those', async () => {
      const key = newKey();
      const now = clock().now();
      expect((await store().put(newRecord(clock(), key))).waiters).toEqual([]);
      await store().watch(key, { address: 'replica-a', until: now + MINUTE });
      await store().watch(key, { address: 'replica-b', until: now + 2 * MINUTE });
      await store().watch({ ...key, type: 'answer' }, { address: 'replica-c', until: now + MINUTE });
      expect((await store().put(newRecord(clock(), key))).waiters.sort()).toEqual(['replica-a', 'replica-b']);
      clock().advance(MINUTE + 10_000);
      expect((await store().put(newRecord(clock(), key))).waiters).toEqual(['replica-b']);
    });

    test('a watch on an empty slot creates it; the next put finds the waiter', async () => {
      const key = newKey();
      expect(await store().watch(key, { address: 'replica-a', until: clock().now() + MINUTE })).toBeUndefined();
      expect(await store().get(key)).toBeUndefined();
      const record = newRecord(clock(), key);
      expect((await store().put(record)).waiters).toEqual(['replica-a']);
      expect(await store().get(key)).toStrictEqual(record);
    });

    test('a watch answers with the live record, and a later watch of the same address replaces its until', async () => {
      const key = newKey();
      const record = newRecord(clock(), key);
      await store().put(record);
      expect(await store().watch(key, { address: 'replica-a', until: clock().now() + 10 * MINUTE })).toStrictEqual(record);
      await store().watch(key, { address: 'replica-a', until: clock().now() + MINUTE });
      clock().advance(2 * MINUTE);
      expect((await store().put(newRecord(clock(), key))).waiters).toEqual([]);
    });

    test('clear keeps the waiters: a put after it still wakes them', async () => {
      const key = newKey();
      await store().put(newRecord(clock(), key));
      await store().watch(key, { address: 'replica-a', until: clock().now() + MINUTE });
      await store().clear(key);
      expect(await store().watch(key, { address: 'replica-b', until: clock().now() + MINUTE })).toBeUndefined();
      expect((await store().put(newRecord(clock(), key))).waiters.sort()).toEqual(['replica-a', 'replica-b']);
    });

    test('whichever of concurrent put and watch lands second sees the other', async () => {
      const rounds = await inParallel(12, async () => {
        const key = newKey();
        const [written, seen] = await Promise.all([store().put(newRecord(clock(), key)), store().watch(key, { address: 'replica-a', until: clock().now() + MINUTE })]);
        return written.waiters.includes('replica-a') || seen !== undefined;
      });
      expect(rounds.every(Boolean)).toBe(true);
    });

    test('a read given the token of a put sees that put', async () => {
      const key = newKey();
      const record = newRecord(clock(), key);
      const { token } = await store().put(record);
      expect(await store().get(key, token)).toStrictEqual(record);
    });

    test('concurrent puts to one key leave exactly one of the written records', async () => {
      const key = newKey();
      const written = Array.from({ length: 16 }, () => newRecord(clock(), key));
      await inParallel(written.length, (index) => store().put(written[index]!));
      expect(written).toContainEqual(await store().get(key));
    });

    test('concurrent puts to many keys are all readable', async () => {
      const room = randomUUID();
      const records = Array.from({ length: 40 }, (_, index) => newRecord(clock(), newKey({ room: index % 2 === 0 ? room : randomUUID() })));
      await inParallel(records.length, (index) => store().put(records[index]!));
      expect(await inParallel(records.length, (index) => store().get(records[index]!))).toStrictEqual(records);
    });

    describe('how an offer ended, from its slot', () => {
      const answerTo = (offer: SdpKey): SdpKey => ({ ...offer, type: 'answer', from: offer.to, to: offer.from });

      test('the first answer to a stored offer completes it once, with when the offer was stored; later answers and offers never written do not', async () => {
        const key = newKey();
        expect(await store().markAnswered(key)).toBeUndefined();
        const first = newRecord(clock(), key);
        await store().put(first);
        expect(await store().markAnswered(key)).toBe(first.createdAt);
        expect(await store().markAnswered(key)).toBeUndefined();
        clock().advance(1000);
        const second = newRecord(clock(), key);
        expect((await store().put(second)).replaced).toBeUndefined();
        expect(await store().markAnswered(key)).toBe(second.createdAt);
      });

      test('marking an offer answered changes neither the offer nor the answer slot', async () => {
        const key = newKey();
        const offer = newRecord(clock(), key);
        await store().put(offer);
        await store().markAnswered(key);
        expect(await store().get(key)).toStrictEqual(offer);
        expect(await store().get(answerTo(key))).toBeUndefined();
      });

      test('an offer replaced while live and unanswered was abandoned; one replaced after expiring, expired unanswered', async () => {
        const key = newKey();
        expect((await store().put(newRecord(clock(), key))).replaced).toBeUndefined();
        expect((await store().put(newRecord(clock(), key))).replaced).toBe('abandoned');
        clock().advance(5 * MINUTE);
        expect((await store().put(newRecord(clock(), key))).replaced).toBe('expired_unanswered');
      });

      test('an offer is still told apart from no offer well after it expired', async () => {
        const key = newKey();
        await store().put(newRecord(clock(), key, { expiresAt: clock().now() + MINUTE }));
        clock().advance(MINUTE + 5 * MINUTE);
        expect((await store().put(newRecord(clock(), key))).replaced).toBe('expired_unanswered');
      });

      test('clear answers how the removed offer ended, once', async () => {
        const live = newKey();
        await store().put(newRecord(clock(), live));
        expect(await store().clear(live)).toBe('abandoned');
        expect(await store().clear(live)).toBeUndefined();
        const answered = newKey();
        await store().put(newRecord(clock(), answered));
        await store().markAnswered(answered);
        expect(await store().clear(answered)).toBeUndefined();
        const expired = newKey();
        await store().put(newRecord(clock(), expired));
        clock().advance(5 * MINUTE);
        expect(await store().clear(expired)).toBe('expired_unanswered');
        expect(await store().clear(newKey())).toBeUndefined();
      });

      test('an answer to a cleared offer completes nothing, and the next offer replaces no offer', async () => {
        const key = newKey();
        await store().put(newRecord(clock(), key));
        await store().clear(key);
        expect(await store().markAnswered(key)).toBeUndefined();
        expect((await store().put(newRecord(clock(), key))).replaced).toBeUndefined();
      });

      test('waiters on an offer slot are not an offer; answers and their slots are never classed', async () => {
        const key = newKey();
        await store().watch(key, { address: 'replica-a', until: clock().now() + MINUTE });
        expect((await store().put(newRecord(clock(), key))).replaced).toBeUndefined();
        const answer = answerTo(key);
        await store().put(newRecord(clock(), answer));
        expect((await store().put(newRecord(clock(), answer))).replaced).toBeUndefined();
        expect(await store().clear(answer)).toBeUndefined();
      });

      test('of concurrent offers to one slot, each replaced offer is classed by exactly one write', async () => {
        const key = newKey();
        await store().put(newRecord(clock(), key));
        const writes = await inParallel(8, () => store().put(newRecord(clock(), key)));
        expect(writes.filter((write) => write.replaced === 'abandoned')).toHaveLength(8);
      });
    });

    test('ping resolves while the store is usable', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
  });
}
