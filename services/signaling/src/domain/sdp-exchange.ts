import type { PeerId } from '@signal/common/api/ids';
import type { ExpireRequest, SdpQuery, SdpSubmission } from '@signal/common/api/schemas';
import type { Clock } from '@signal/common/clock';
import { badRequest, forbidden, HttpError } from '@signal/common/errors';
import type { EventHub } from '@signal/common/events/event-hub';
import { MAX_CARRIED_SDP_LENGTH } from '@signal/common/ports/event-bus';
import type { SdpKey, SdpRecord, SdpStore, SdpType } from '../store/sdp-store.ts';
import type { SignalingConfig } from '@signal/common/config/config';
import type { Metrics } from '@signal/common/observability/metrics';
import { LongPollQuota } from './long-poll-quota.ts';
import { slotOf } from './slot.ts';
import { SlotWatches } from './slot-watches.ts';
import { WaiterRegistry, type WaitOutcome } from './waiters.ts';

/** What wakes a waiter: the record as written, or (for an SDP too long to carry) the write's token. */
interface Wake {
  token?: string | undefined;
  record?: SdpRecord;
}

export interface ExchangeDeps {
  sdps: SdpStore;
  events: EventHub;
  clock: Clock;
  metrics: Metrics;
  config: SignalingConfig;
}

/**
 * Peers trade offers and answers through SDP slots (room, type, from, to). The store is the
 * source of truth; a waiting read puts its replica's address on the slot, and the write of an
 * SDP wakes exactly the replicas it finds there, through their inboxes (this one without the bus).
 */
export class SdpExchange {
  readonly #deps: ExchangeDeps;
  readonly #waiters = new WaiterRegistry<Wake>();
  readonly #watches: SlotWatches;
  readonly #quota: LongPollQuota;
  #recheckTimer: NodeJS.Timeout | undefined;

  constructor(deps: ExchangeDeps) {
    this.#deps = deps;
    this.#quota = new LongPollQuota(deps.config.longPollMaxPerUser);
    this.#watches = new SlotWatches(deps.sdps, deps.events.address, deps.clock);
    deps.events.on('sdp.posted', (data) => {
      const slot = slotOf(data);
      this.#watches.forget(slot);
      // A carried record that expired on its way (a backed-up inbox) is not answered: the read decides.
      const fresh = data.record !== undefined && data.record.expiresAt > this.#deps.clock.now();
      this.#waiters.wake(slot, 'woken', fresh ? { record: data.record } : { token: data.token });
    });
    deps.events.onBusStatusChange((status) => this.#followBus(status === 'up'));
    this.#followBus(deps.events.busStatus() === 'up');
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  /** Stores the sender's SDP for its peer, replacing an earlier one, and wakes the replicas waiting for it. */
  async submit(type: SdpType, from: PeerId, input: SdpSubmission): Promise<SdpRecord> {
    if (input.to === from) throw badRequest('Cannot send an SDP to yourself');
    const now = this.#deps.clock.now();
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
    // An answer marks its offer's slot in parallel with its own write: the handshake is counted
    // by whichever replica writes, without the bus.
    const [{ waiters, token, replaced }, completed] = await Promise.all([
      this.#deps.sdps.put(record),
      type === 'answer' ? this.#deps.sdps.markAnswered({ room: record.room, type: 'offer', from: record.to, to: from }) : false,
    ]);
    if (replaced !== undefined) this.#deps.metrics.handshakes.inc({ outcome: replaced });
    if (completed) this.#deps.metrics.handshakes.inc({ outcome: 'completed' });
    const posted = {
      room: record.room,
      type,
      from,
      to: record.to,
      ...(token !== undefined ? { token } : {}),
      // The written record spares the woken replica a store read (and its CPU) when it fits.
      ...(record.sdp.length <= MAX_CARRIED_SDP_LENGTH ? { record } : {}),
    };
    for (const address of waiters) {
      // This replica's own waiters take the record as written: no bus, no read.
      if (address === this.#deps.events.address) this.#wakeLocal(slotOf(record), record);
      else void this.#deps.events.sendTo(address, 'sdp.posted', posted);
    }
    return record;
  }

  /**
   * The latest live SDP of `type` that the peer sent to the caller, or undefined. With a wait,
   * parks until an event names this slot (or, while the bus is down, until the next re-check).
   */
  async read(type: SdpType, caller: PeerId, query: SdpQuery, signal: AbortSignal): Promise<SdpRecord | undefined> {
    const key: SdpKey = { room: query.room.uuid, type, from: query.signalId, to: caller };
    if (query.waitSeconds === 0) return this.#deps.sdps.get(key);
    if (this.#waiters.size >= this.#deps.config.longPollMaxPerReplica) {
      throw new HttpError(503, 'Too many waiting requests on this server; retry', { 'Retry-After': '1' });
    }
    const release = this.#quota.take(caller);
    try {
      return await this.#waitFor(key, this.#deps.clock.now() + query.waitSeconds * 1000, signal);
    } finally {
      release();
    }
  }

  /** Removes that type of SDP between the two peers, both directions; their waiters keep waiting. Only they may ask. */
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
    for (const outcome of ended) if (outcome !== undefined) this.#deps.metrics.handshakes.inc({ outcome });
  }

  #wakeLocal(slot: string, record: SdpRecord): void {
    this.#watches.forget(slot);
    this.#waiters.wake(slot, 'woken', { record });
  }

  /** SIGTERM: every parked long-poll is answered (204) now. */
  close(): void {
    clearInterval(this.#recheckTimer);
    this.#waiters.close();
  }

  async #waitFor(key: SdpKey, deadline: number, signal: AbortSignal): Promise<SdpRecord | undefined> {
    const slot = slotOf(key);
    const recheckMs = this.#deps.config.fallbackIntervalSeconds * 1000;
    let woken = false;
    let token: string | undefined;
    let watched = false;
    let reachable = true;
    for (;;) {
      const remaining = deadline - this.#deps.clock.now();
      // A waiter whose address is not on the slot is woken by nobody: it re-checks instead.
      const capped = !reachable && remaining > recheckMs;
      const parked = this.#waiters.park(slot, Math.max(0, capped ? recheckMs : remaining), signal);
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
        const wake = parked.detail();
        if (wake?.record !== undefined) return this.#woken(wake.record);
        woken = true;
        token = wake?.token;
      } else if (outcome === 'timeout' && capped) {
        continue;
      } else if (outcome !== 'recheck') {
        return this.#ended(outcome);
      }
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
    this.#deps.metrics.longPollWakeups.inc({ outcome });
  }

  /**
   * Without a bus, other replicas' writes announce nothing: waiters then re-check the store every
   * LONGPOLL_FALLBACK_INTERVAL_SECONDS until the bus is back.
   */
  #followBus(up: boolean): void {
    clearInterval(this.#recheckTimer);
    this.#recheckTimer = undefined;
    if (up) return;
    this.#recheckTimer = setInterval(() => this.#waiters.wakeAll('recheck'), this.#deps.config.fallbackIntervalSeconds * 1000);
    this.#recheckTimer.unref();
    this.#waiters.wakeAll('recheck');
  }
}
