import type { PeerId } from '@signal/common/api/ids';
import type { ExpireRequest, SdpQuery, SdpSubmission } from '@signal/common/api/schemas';
import type { Clock } from '@signal/common/clock';
import { badRequest, forbidden, HttpError } from '@signal/common/errors';
import type { EventHub } from '@signal/common/events/event-hub';
import type { SdpKey, SdpRecord, SdpStore, SdpType } from '../store/sdp-store.ts';
import type { WakeupHint, Wakeups } from '../wakeups/wakeups.ts';
import type { SignalingConfig } from '@signal/common/config/config';
import type { Metrics } from '@signal/common/observability/metrics';
import { HandshakeMeter } from './handshake-meter.ts';
import { LongPollQuota } from './long-poll-quota.ts';
import { slotOf } from './slot.ts';
import { SlotWatches } from './slot-watches.ts';
import { WaiterRegistry, type ClientLine, type WaitOutcome } from './waiters.ts';

/**
 * What wakes a waiter: a write on this replica, with the record as written; another replica's
 * hint, with the token its read presents; or an expiry, which ends the wait once the store read
 * finds nothing.
 */
type Wake = { record: SdpRecord } | { token: string | undefined } | { expired: true };

// Label sets made once: every handshake counts each of these at least once.
const COMPLETED = Object.freeze({ outcome: 'completed' });
const LOCAL_DELIVERED = Object.freeze({ path: 'local', outcome: 'delivered' });
const WAIT_OUTCOMES = Object.freeze(
  Object.fromEntries((['woken', 'timeout', 'client_gone', 'shutdown', 'recheck'] satisfies WaitOutcome[]).map((outcome) => [outcome, Object.freeze({ outcome })])),
) as Readonly<Record<WaitOutcome, Readonly<{ outcome: WaitOutcome }>>>;

export interface ExchangeDeps {
  sdps: SdpStore;
  /** Broadcasts: expire events. */
  events: EventHub;
  /** Hints to the replicas waiting on a slot written here. */
  wakeups: Wakeups;
  clock: Clock;
  metrics: Metrics;
  config: SignalingConfig;
}

/**
 * Peers trade offers and answers through SDP slots (room, type, from, to). The store is the
 * source of truth; a waiting read puts its replica's wake-up address on the slot, and the write
 * of an SDP wakes exactly the replicas it finds there: this one in process, the others with a
 * hint (slot and token) that makes them read the slot. An expiry, broadcast to every replica,
 * wakes the slots' waiters too.
 */
export class SdpExchange {
  readonly #deps: ExchangeDeps;
  readonly #waiters = new WaiterRegistry<Wake>();
  readonly #watches: SlotWatches;
  readonly #quota: LongPollQuota;
  readonly #meter: HandshakeMeter;
  readonly #unsubscribe: (() => void)[];

  constructor(deps: ExchangeDeps) {
    this.#deps = deps;
    this.#quota = new LongPollQuota(deps.config.longPollMaxPerUser);
    this.#meter = new HandshakeMeter(deps.clock, deps.metrics);
    this.#watches = new SlotWatches(deps.sdps, deps.wakeups.address, deps.clock);
    this.#unsubscribe = [
      deps.wakeups.onWake((hint) => this.#hinted(hint)),
      deps.events.on('sdp.expired', ({ room, type, source, destination }) => {
        for (const [from, to] of [[source, destination], [destination, source]] as const) {
          const slot = slotOf({ room, type, from, to });
          this.#watches.forget(slot);
          this.#waiters.wake(slot, 'woken', { expired: true });
        }
      }),
    ];
  }

  /** The caller's GET is about to return `record`: the delivery SLI and the handshake timing count it. */
  delivered(record: SdpRecord): void {
    this.#meter.delivered(record);
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  /** Stores the sender's SDP for its peer, replacing an earlier one, and wakes the replicas waiting for it. */
  async submit(type: SdpType, from: PeerId, input: SdpSubmission): Promise<SdpRecord> {
    if (input.to === from) throw badRequest('Cannot send an SDP to yourself');
    const now = this.#deps.clock.now();
    // An answer marks its offer's slot first, and carries when that offer was stored: whichever
    // replica serves the offerer's read of it then times the handshake from the slot alone.
    const offeredAt = type === 'answer' ? await this.#deps.sdps.markAnswered({ room: input.room.uuid, type: 'offer', from: input.to, to: from }) : undefined;
    const record: SdpRecord = {
      room: input.room.uuid,
      type,
      from,
      to: input.to,
      sdp: input.sdp,
      shortname: input.room.shortname,
      createdAt: now,
      expiresAt: now + this.#deps.config.sdpTtlSeconds * 1000,
    };
    if (offeredAt !== undefined) record.offeredAt = offeredAt;
    const { waiters, token, replaced } = await this.#deps.sdps.put(record);
    if (replaced !== undefined) this.#meter.unanswered(replaced, from);
    if (offeredAt !== undefined) this.#deps.metrics.handshakes.inc(COMPLETED);
    const self = this.#deps.wakeups.address;
    const local = waiters.includes(self);
    if (local) this.#wakeLocal(slotOf(record), record);
    // Most writes wake this replica alone (or nobody): no list of the others to build.
    if (waiters.length > (local ? 1 : 0)) {
      const remote = waiters.filter((address) => address !== self);
      const hint: WakeupHint = { room: record.room, type, from, to: record.to, ...(token !== undefined ? { token } : {}) };
      void this.#deps.wakeups.wake(remote, hint);
    }
    return record;
  }

  /**
   * The latest live SDP of `type` that the peer sent to the caller, or undefined. With a wait,
   * parks until an event names this slot (or, while the bus is down, until the next re-check).
   */
  async read(type: SdpType, caller: PeerId, query: SdpQuery, client: ClientLine): Promise<SdpRecord | undefined> {
    const key: SdpKey = { room: query.room.uuid, type, from: query.signalId, to: caller };
    if (query.waitSeconds === 0) return this.#deps.sdps.get(key);
    if (this.#waiters.size >= this.#deps.config.longPollMaxPerReplica) {
      throw new HttpError(503, 'Too many waiting requests on this server; retry', { 'Retry-After': '1' });
    }
    this.#quota.take(caller);
    // Not awaited here: the wait's own frame gives the place back, so a waiting request keeps one
    // suspended frame fewer.
    return this.#waitFor(key, this.#deps.clock.now() + query.waitSeconds * 1000, client, caller);
  }

  /**
   * Removes that type of SDP between the two peers, both directions, and tells every replica, so
   * that their waiters on those slots read the store again at once. Only the two peers may ask.
   */
  async expire(caller: PeerId, request: ExpireRequest): Promise<void> {
    if (caller !== request.source && caller !== request.destination) {
      throw forbidden('Only the source or the destination may expire these SDPs');
    }
    const room = request.room.uuid;
    const { type, source, destination } = request;
    const ended = await Promise.all([
      this.#deps.sdps.clear({ room, type, from: source, to: destination }),
      this.#deps.sdps.clear({ room, type, from: destination, to: source }),
    ]);
    const offerers = [source, destination];
    ended.forEach((outcome, index) => outcome !== undefined && this.#meter.unanswered(outcome, offerers[index]!));
    // Acts on this replica's waiters at once; the other replicas hear of it through the bus.
    void this.#deps.events.publish('sdp.expired', { room, type, source, destination });
  }

  /** A write on this replica: its own waiters take the record as written, without a read. */
  #wakeLocal(slot: string, record: SdpRecord): void {
    this.#deps.metrics.wakeups.inc(LOCAL_DELIVERED);
    this.#watches.forget(slot);
    this.#waiters.wake(slot, 'woken', { record });
  }

  /** Another replica wrote the slot: its waiters here read it, with the writer's token. */
  #hinted(hint: WakeupHint): void {
    const slot = slotOf(hint);
    this.#watches.forget(slot);
    this.#waiters.wake(slot, 'woken', { token: hint.token });
  }

  /** SIGTERM: every parked long-poll is answered (204) now. */
  close(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#waiters.close();
  }

  async #waitFor(key: SdpKey, deadline: number, client: ClientLine, caller: PeerId): Promise<SdpRecord | undefined> {
    const slot = slotOf(key);
    const recheckMs = this.#deps.config.fallbackIntervalSeconds * 1000;
    let woken = false;
    let token: string | undefined;
    let watched = false;
    let reachable = true;
    try {
      for (;;) {
        const remaining = deadline - this.#deps.clock.now();
        // A waiter whose address is not on the slot is woken by nobody: it re-checks instead.
        const capped = !reachable && remaining > recheckMs;
        const parked = this.#waiters.park(slot, Math.max(0, capped ? recheckMs : remaining), client);
        let record: SdpRecord | undefined;
        try {
          if (watched) {
            record = await this.#deps.sdps.get(key, token);
          } else {
            ({ record, reachable } = await this.#watches.watch(key, slot, deadline));
            watched = true;
          }
        } catch (error) {
          parked.cancel();
          throw error;
        }
        if (record !== undefined) {
          parked.cancel();
          return woken ? this.#woken(record) : record;
        }
        if (remaining <= 0) {
          parked.cancel();
          return this.#ended('timeout');
        }
        if (!reachable && !capped && remaining > recheckMs) {
          // Parked for the whole wait before the watch failed: park again with the re-check period.
          parked.cancel();
          continue;
        }
        const outcome = await parked.outcome;
        if (outcome === 'woken') {
          const wake = parked.detail;
          if (wake !== undefined && 'record' in wake) return this.#woken(wake.record);
          woken = true;
          // An expiry wakes the slot's waiters to read the store at once; a slot still empty keeps
          // them waiting (a peer clears old SDPs before it offers, while the other already waits).
          if (wake !== undefined && 'token' in wake) token = wake.token;
        } else if (outcome === 'timeout' && capped) {
          continue;
        } else if (outcome !== 'recheck') {
          return this.#ended(outcome);
        }
      }
    } finally {
      this.#quota.give(caller);
    }
  }

  #woken(record: SdpRecord): SdpRecord {
    this.#count('woken');
    return record;
  }

  #ended(outcome: WaitOutcome): undefined {
    this.#count(outcome);
    return undefined;
  }

  #count(outcome: WaitOutcome): void {
    this.#deps.metrics.longPollWakeups.inc(WAIT_OUTCOMES[outcome]);
  }
}
