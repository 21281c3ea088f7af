import type { Clock } from '@signal/common/clock';
import { badRequest, forbidden, HttpError } from '@signal/common/errors';
import type { EventHub } from '@signal/common/events/event-hub';
import type { SdpKey, SdpRecord, SdpStore, SdpType } from '@signal/common/ports/sdp-store';
import type { SignalingConfig } from '@signal/common/config/config';
import type { Metrics } from '@signal/common/observability/metrics';
import { slotOf } from './slot.ts';
import type { ExpireRequest, SdpQuery, SdpSubmission } from './validation.ts';
import { WaiterRegistry, type WaitOutcome } from './waiters.ts';

export interface ExchangeDeps {
  sdps: SdpStore;
  events: EventHub;
  clock: Clock;
  metrics: Metrics;
  config: SignalingConfig;
}

/**
 * Peers trade offers and answers through SDP slots (room, type, from, to). The store is the
 * source of truth; events only tell waiting readers when to look again.
 */
export class SdpExchange {
  readonly #deps: ExchangeDeps;
  readonly #waiters = new WaiterRegistry();
  readonly #waitingPerSession = new Map<string, number>();
  #recheckTimer: NodeJS.Timeout | undefined;

  constructor(deps: ExchangeDeps) {
    this.#deps = deps;
    deps.events.on('sdp.posted', (data) => this.#waiters.wake(slotOf(data)));
    deps.events.onBusStatusChange((status) => this.#followBus(status === 'up'));
    this.#followBus(deps.events.busStatus() === 'up');
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  /** Stores the sender's SDP for its peer, replacing an earlier one, and tells every replica. */
  async submit(type: SdpType, from: string, input: SdpSubmission): Promise<void> {
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
    await this.#deps.sdps.put(record);
    void this.#deps.events.publish('sdp.posted', { room: record.room, type, from, to: record.to });
  }

  /**
   * The latest live SDP of `type` that the peer sent to the caller, or undefined. With a wait,
   * parks until an event names this slot (or, while the bus is down, until the next re-check).
   */
  async read(type: SdpType, caller: string, sessionId: string, query: SdpQuery, signal: AbortSignal): Promise<SdpRecord | undefined> {
    const key: SdpKey = { room: query.room.uuid, type, from: query.signalId, to: caller };
    if (query.waitSeconds === 0) return this.#deps.sdps.get(key);
    this.#admit(sessionId);
    try {
      return await this.#waitFor(key, this.#deps.clock.now() + query.waitSeconds * 1000, signal);
    } finally {
      this.#release(sessionId);
    }
  }

  /** Removes that type of SDP between the two peers, both directions. Only they may ask. */
  async expire(caller: string, request: ExpireRequest): Promise<void> {
    if (caller !== request.source && caller !== request.destination) {
      throw forbidden('Only the source or the destination may expire these SDPs');
    }
    const room = request.room.uuid;
    const { type, source, destination } = request;
    await Promise.all([
      this.#deps.sdps.delete({ room, type, from: source, to: destination }),
      this.#deps.sdps.delete({ room, type, from: destination, to: source }),
    ]);
    void this.#deps.events.publish('sdp.expired', { room, type, source, destination });
  }

  /** SIGTERM: every parked long-poll is answered (204) now. */
  close(): void {
    clearInterval(this.#recheckTimer);
    this.#waiters.close();
  }

  async #waitFor(key: SdpKey, deadline: number, signal: AbortSignal): Promise<SdpRecord | undefined> {
    const slot = slotOf(key);
    let woken = false;
    for (;;) {
      const remaining = deadline - this.#deps.clock.now();
      const parked = this.#waiters.park(slot, Math.max(0, remaining), signal);
      const record = await this.#deps.sdps.get(key).catch((error: unknown) => {
        parked.cancel();
        throw error;
      });
      if (record !== undefined) {
        parked.cancel();
        this.#count(woken ? 'woken' : undefined);
        return record;
      }
      if (remaining <= 0) {
        parked.cancel();
        return this.#ended('timeout');
      }
      const outcome = await parked.outcome;
      if (outcome === 'woken') woken = true;
      else if (outcome !== 'recheck') return this.#ended(outcome);
    }
  }

  #ended(outcome: WaitOutcome): undefined {
    this.#count(outcome);
    return undefined;
  }

  #count(outcome: WaitOutcome | undefined): void {
    if (outcome !== undefined) this.#deps.metrics.longPollWakeups.inc({ outcome });
  }

  #admit(sessionId: string): void {
    const { longPollMaxPerSession, longPollMaxPerReplica } = this.#deps.config;
    if (this.#waiters.size >= longPollMaxPerReplica) {
      throw new HttpError(503, 'Too many waiting requests on this server; retry', { 'Retry-After': '1' });
    }
    const mine = this.#waitingPerSession.get(sessionId) ?? 0;
    if (mine >= longPollMaxPerSession) {
      throw new HttpError(429, 'Too many waiting requests for this session', { 'Retry-After': '1' });
    }
    this.#waitingPerSession.set(sessionId, mine + 1);
  }

  #release(sessionId: string): void {
    const mine = (this.#waitingPerSession.get(sessionId) ?? 1) - 1;
    if (mine <= 0) this.#waitingPerSession.delete(sessionId);
    else this.#waitingPerSession.set(sessionId, mine);
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
