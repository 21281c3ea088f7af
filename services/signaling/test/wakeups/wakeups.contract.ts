import { randomUUID } from 'node:crypto';
import type { CountWakeup, WakeupOutcome, WakeupPath } from '../../src/wakeups/wakeup-counts.ts';
import type { WakeupHint, Wakeups } from '../../src/wakeups/wakeups.ts';

/** One transport as several replicas share it: each `open` is what one replica would start. */
export interface WakeupsTransport {
  open(count: CountWakeup): Promise<Wakeups>;
  /** An address no replica listens on. */
  readonly unreachable: string;
  dispose(): Promise<void>;
}

export const newHint = (extra: Partial<WakeupHint> = {}): WakeupHint => ({
  room: randomUUID(),
  type: 'offer',
  from: `peer-${randomUUID()}`,
  to: `peer-${randomUUID()}`,
  token: `token-${randomUUID()}`,
  ...extra,
});

class Counts {
  readonly seen: string[] = [];
  readonly count: CountWakeup = (path: WakeupPath, outcome: WakeupOutcome) => void this.seen.push(`${path}:${outcome}`);
}

/** What every Wakeups adapter must do, whatever carries the hints. */
/** `crosses`: whether two `open`s are two replicas that can wake each other (not so inside one process). */
export function runWakeupsContract(name: string, crosses: boolean, factory: () => Promise<WakeupsTransport>): void {
  // Inside one process there is no other replica: those cases are not part of its contract, not skipped.
  const crossing = (title: string, body: () => Promise<void>): void => {
    if (crosses) test(title, body);
  };
  describe(`Wakeups contract: ${name}`, () => {
    let transport: WakeupsTransport;
    const opened: Wakeups[] = [];
    const open = async (counts = new Counts()) => {
      const wakeups = await transport.open(counts.count);
      opened.push(wakeups);
      return { wakeups, counts };
    };

    beforeEach(async () => {
      transport = await factory();
    });

    afterEach(async () => {
      for (const wakeups of opened.splice(0)) await wakeups.close();
      await transport.dispose();
    });

    test('a hint to its own address reaches every handler, and wake resolves only once they took it', async () => {
      const { wakeups, counts } = await open();
      const first: WakeupHint[] = [];
      const second: WakeupHint[] = [];
      let finished = false;
      wakeups.onWake((hint) => void first.push(hint));
      wakeups.onWake(async (hint) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        second.push(hint);
        finished = true;
      });
      const hint = newHint();
      await wakeups.wake([wakeups.address], hint);
      expect(finished).toBe(true);
      expect(first).toEqual([hint]);
      expect(second).toEqual([hint]);
      expect(counts.seen).toEqual(['local:delivered']);
    });

    test('a hint without a token arrives without one', async () => {
      const { wakeups } = await open();
      const got: WakeupHint[] = [];
      wakeups.onWake((hint) => void got.push(hint));
      const { token: _token, ...hint } = newHint({ type: 'answer' });
      await wakeups.wake([wakeups.address], hint);
      expect(got).toEqual([hint]);
      expect(got[0]).not.toHaveProperty('token');
    });

    test('an unsubscribed handler gets nothing more', async () => {
      const { wakeups } = await open();
      const got: WakeupHint[] = [];
      const unsubscribe = wakeups.onWake((hint) => void got.push(hint));
      unsubscribe();
      await wakeups.wake([wakeups.address], newHint());
      expect(got).toEqual([]);
    });

    test('a handler that throws or rejects keeps the hint from no other handler and never fails wake', async () => {
      const { wakeups } = await open();
      const got: WakeupHint[] = [];
      wakeups.onWake(() => {
        throw new Error('handler bug');
      });
      wakeups.onWake(async () => Promise.reject(new Error('store down')));
      wakeups.onWake((hint) => void got.push(hint));
      const hint = newHint();
      await expect(wakeups.wake([wakeups.address], hint)).resolves.toBeUndefined();
      expect(got).toEqual([hint]);
    });

    test('a handler that changes its hint changes no other handler’s', async () => {
      const { wakeups } = await open();
      const got: WakeupHint[] = [];
      wakeups.onWake((hint) => {
        try {
          (hint as { room: string }).room = 'changed';
        } catch {
          // frozen: the change is refused, which is as good
        }
      });
      wakeups.onWake((hint) => void got.push(hint));
      const hint = newHint();
      await wakeups.wake([wakeups.address], { ...hint });
      expect(got).toEqual([hint]);
    });

    test('an address nobody answers on is dropped, counted, and wake still resolves', async () => {
      const { wakeups, counts } = await open();
      await expect(wakeups.wake([transport.unreachable], newHint())).resolves.toBeUndefined();
      expect(counts.seen).toEqual(['crossed:dropped']);
    });

    test('no address: nothing sent, nothing counted', async () => {
      const { wakeups, counts } = await open();
      await wakeups.wake([], newHint());
      expect(counts.seen).toEqual([]);
    });

    test('after close, its own handlers get nothing and wake still resolves', async () => {
      const { wakeups, counts } = await open();
      const got: WakeupHint[] = [];
      wakeups.onWake((hint) => void got.push(hint));
      await wakeups.close();
      await expect(wakeups.wake([wakeups.address], newHint())).resolves.toBeUndefined();
      expect(got).toEqual([]);
      expect(counts.seen.every((seen) => seen.endsWith(':dropped'))).toBe(true);
    });

    crossing('a hint crosses to the replica that owns the address, and only to it', async () => {
      const [a, b] = [await open(), await open()];
      expect(a.wakeups.address).not.toBe(b.wakeups.address);
      const gotA: WakeupHint[] = [];
      const gotB: WakeupHint[] = [];
      a.wakeups.onWake((hint) => void gotA.push(hint));
      b.wakeups.onWake((hint) => void gotB.push(hint));
      const hint = newHint();
      await a.wakeups.wake([b.wakeups.address], hint);
      expect(gotB).toEqual([hint]);
      expect(gotA).toEqual([]);
      expect(a.counts.seen).toEqual(['crossed:delivered']);

      const both = newHint();
      await a.wakeups.wake([a.wakeups.address, b.wakeups.address, transport.unreachable], both);
      expect(gotA).toEqual([both]);
      expect(gotB).toEqual([hint, both]);
      expect(a.counts.seen.slice(1).sort()).toEqual(['crossed:delivered', 'crossed:dropped', 'local:delivered']);
    });

    crossing('a crossing wake resolves only once the other replica’s handlers took the hint', async () => {
      const [a, b] = [await open(), await open()];
      let finished = false;
      b.wakeups.onWake(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
      });
      await a.wakeups.wake([b.wakeups.address], newHint());
      expect(finished).toBe(true);
    });

    crossing('many concurrent hints to one replica all arrive, each once', async () => {
      const [a, b] = [await open(), await open()];
      const got: string[] = [];
      b.wakeups.onWake((hint) => void got.push(hint.room));
      const hints = Array.from({ length: 200 }, () => newHint());
      await Promise.all(hints.map((hint) => a.wakeups.wake([b.wakeups.address], hint)));
      expect(got.sort()).toEqual(hints.map((hint) => hint.room).sort());
      expect(a.counts.seen.filter((seen) => seen === 'crossed:delivered')).toHaveLength(200);
    });

    crossing('a replica that closed is dropped by its peers, who keep working', async () => {
      const [a, b, c] = [await open(), await open(), await open()];
      const got: WakeupHint[] = [];
      c.wakeups.onWake((hint) => void got.push(hint));
      await a.wakeups.wake([b.wakeups.address], newHint());
      await b.wakeups.close();
      await expect(a.wakeups.wake([b.wakeups.address], newHint())).resolves.toBeUndefined();
      const hint = newHint();
      await a.wakeups.wake([c.wakeups.address], hint);
      expect(got).toEqual([hint]);
      expect(a.counts.seen).toEqual(['crossed:delivered', 'crossed:dropped', 'crossed:delivered']);
    });
  });
}
