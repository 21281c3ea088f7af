import { randomUUID } from 'node:crypto';
import {
  EVENT_SCHEMA_VERSION,
  type Broadcasts,
  type EventEnvelope,
  type EventKind,
  type EventPayloads,
} from '../../src/ports/broadcasts.ts';

/**
 * One transport as several replicas share it: each `open` is what one replica would start.
 * In-process broadcasts may return the same instance every time; that is what sharing means for them.
 */
export interface BroadcastsTransport {
  open(replicaName: string): Promise<Broadcasts>;
  /** Releases the transport after every bus opened on it was closed. */
  dispose(): Promise<void>;
}

export type BroadcastsTransportFactory = () => Promise<BroadcastsTransport>;

/** Generous for a remote namespace; a local transport answers in milliseconds. */
const DELIVERY_TIMEOUT_MS = 10_000;

export function newEvent<K extends EventKind>(kind: K, data: EventPayloads[K], extra: Partial<EventEnvelope<K>> = {}): EventEnvelope<K> {
  return { version: EVENT_SCHEMA_VERSION, id: randomUUID(), kind, data, origin: `replica-${randomUUID()}`, publishedAt: Date.now(), ...extra };
}

/** Records what a handler got, and lets a test wait for a given event id. */
export class Inbox {
  readonly events: EventEnvelope[] = [];
  readonly #waiters = new Set<() => void>();

  readonly handler = (event: EventEnvelope): void => {
    this.events.push(event);
    for (const wake of [...this.#waiters]) wake();
  };

  ids(): string[] {
    return this.events.map((event) => event.id);
  }

  /** Resolves with the event once received; rejects after a bounded wait. */
  waitFor(id: string, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<EventEnvelope> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find((event) => event.id === id);
        if (!found) return false;
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`event ${id} not received within ${timeoutMs} ms (got ${this.ids().join(', ') || 'nothing'})`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(wake);
    });
  }
}

/** What every Broadcasts adapter must do, whatever carries the events. */
export function runBroadcastsContract(name: string, factory: BroadcastsTransportFactory): void {
  describe(`Broadcasts contract: ${name}`, () => {
    let transport: BroadcastsTransport;
    const opened: Broadcasts[] = [];
    const open = async (replicaName: string) => {
      const bus = await transport.open(replicaName);
      opened.push(bus);
      return bus;
    };

    beforeEach(async () => {
      transport = await factory();
    });

    afterEach(async () => {
      for (const bus of opened.splice(0)) await bus.close();
      await transport.dispose();
    });

    test('a started bus reports up', async () => {
      expect((await open('replica-a')).status()).toBe('up');
    });

    test('every bus on the transport receives what any of them publishes, the publisher included', async () => {
      const a = await open('replica-a');
      const b = await open('replica-b');
      const inboxA = new Inbox();
      const inboxB = new Inbox();
      a.subscribe(inboxA.handler);
      b.subscribe(inboxB.handler);
      const fromA = newEvent('session.revoked', { sessionId: randomUUID() });
      const fromB = newEvent('session.revoked', { sessionId: randomUUID() });
      await a.publish(fromA);
      await b.publish(fromB);
      for (const inbox of [inboxA, inboxB]) {
        await inbox.waitFor(fromA.id);
        await inbox.waitFor(fromB.id);
      }
    });

    test('every kind arrives exactly as published, with and without trace context', async () => {
      const a = await open('replica-a');
      const b = await open('replica-b');
      const inbox = new Inbox();
      b.subscribe(inbox.handler);
      const published = [
        newEvent('sdp.expired', { room: 'room-ä', type: 'offer', source: 'alice', destination: 'bob' }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
        newEvent('sdp.expired', { room: 'room-1', type: 'answer', source: 'bob', destination: 'alice' }),
        newEvent('session.revoked', { sessionId: randomUUID() }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
        newEvent('session.revoked', { sessionId: randomUUID() }),
      ];
      for (const event of published) await a.publish(event);
      for (const event of published) expect(await inbox.waitFor(event.id)).toStrictEqual(event);
    });

    test('an unsubscribed handler hears nothing more while the others still do', async () => {
      const bus = await open('replica-a');
      const kept = new Inbox();
      const dropped = new Inbox();
      bus.subscribe(kept.handler);
      const unsubscribe = bus.subscribe(dropped.handler);
      const before = newEvent('session.revoked', { sessionId: 'before' });
      await bus.publish(before);
      await dropped.waitFor(before.id);
      await kept.waitFor(before.id);
      unsubscribe();
      const after = newEvent('session.revoked', { sessionId: 'after' });
      await bus.publish(after);
      // Handlers of one bus are called in one pass per event, so `kept` having it settles the question.
      await kept.waitFor(after.id);
      expect(dropped.ids()).toEqual([before.id]);
    });

    test('close can be called twice', async () => {
      const bus = await open('replica-a');
      await bus.close();
      await expect(bus.close()).resolves.toBeUndefined();
    });
  });
}
