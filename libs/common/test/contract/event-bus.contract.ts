import { randomUUID } from 'node:crypto';
import {
  EVENT_SCHEMA_VERSION,
  type EventBus,
  type EventEnvelope,
  type EventKind,
  type EventPayloads,
} from '../../src/ports/event-bus.ts';

/**
 * One transport as several replicas share it: each `open` is what one replica would start.
 * An in-process bus may return the same instance every time; that is what sharing means for it.
 */
export interface EventBusTransport {
  open(replicaName: string): Promise<EventBus>;
  /** Releases the transport after every bus opened on it was closed. */
  dispose(): Promise<void>;
}

export type EventBusTransportFactory = () => Promise<EventBusTransport>;

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

/** What every EventBus adapter must do, whatever carries the events. */
export function runEventBusContract(name: string, factory: EventBusTransportFactory): void {
  describe(`EventBus contract: ${name}`, () => {
    let transport: EventBusTransport;
    const opened: EventBus[] = [];
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

    test('an envelope arrives exactly as published or sent, with and without trace context', async () => {
      const a = await open('replica-a');
      const b = await open('replica-b');
      const inbox = new Inbox();
      b.subscribe(inbox.handler);
      const sent = [
        newEvent('sdp.posted', { room: 'room-ä', type: 'offer', from: 'alice', to: 'bob' }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
        newEvent('sdp.posted', { room: 'room-1', type: 'answer', from: 'bob', to: 'alice', token: '0:1#42' }),
      ];
      const published = [
        newEvent('session.revoked', { sessionId: randomUUID() }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
        newEvent('session.revoked', { sessionId: randomUUID() }),
      ];
      for (const event of sent) await a.send(b.address!, event);
      for (const event of published) await a.publish(event);
      for (const event of [...sent, ...published]) expect(await inbox.waitFor(event.id)).toStrictEqual(event);
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

    test('a message sent to a bus\'s address reaches that bus, and no other', async () => {
      const a = await open('replica-a');
      const b = await open('replica-b');
      expect(b.address).toEqual(expect.any(String));
      const inboxA = new Inbox();
      const inboxB = new Inbox();
      a.subscribe(inboxA.handler);
      b.subscribe(inboxB.handler);
      const directed = newEvent('sdp.posted', { room: 'r1', type: 'offer', from: 'u1', to: 'u2', token: 'session-token' });
      expect(await a.send(b.address!, directed)).toBe('sent');
      expect(await inboxB.waitFor(directed.id)).toStrictEqual(directed);
      if (a === b) return;
      // A broadcast sent after it has reached A: had the directed one gone there too, it would have arrived by now.
      const marker = newEvent('session.revoked', { sessionId: randomUUID() });
      await b.publish(marker);
      await inboxA.waitFor(marker.id);
      expect(inboxA.ids()).not.toContain(directed.id);
    });

    test('a send to an inbox that does not exist resolves gone', async () => {
      const a = await open('replica-a');
      expect(await a.send(`vanished-${randomUUID().slice(0, 8)}`, newEvent('sdp.posted', { room: 'r', type: 'answer', from: 'a', to: 'b' }))).toBe('gone');
    });

    test('close can be called twice', async () => {
      const bus = await open('replica-a');
      await bus.close();
      await expect(bus.close()).resolves.toBeUndefined();
    });
  });
}
