import { totalmem } from 'node:os';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ActiveSessions } from './active-sessions.ts';
import { HistogramSeries } from './histogram-series.ts';

/**
 * Request and operation latencies span sub-millisecond memory-store hits to 30 s long-polls, so one
 * bucket set covers 0.5 ms .. 30 s on a roughly 2-2.5x ladder: fine where SLOs live (5-250 ms) and
 * coarse but present up to the long-poll ceiling (LONGPOLL_MAX_SECONDS is at most 120, default 25).
 */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];

/** Every metric a Signal process exports; one registry per process. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'signal_http_request_duration_seconds',
    help: 'HTTP request duration by service, method, route template, status code (499: the client left first) and whether the request was a long-poll asked to wait',
    labelNames: ['service', 'method', 'route', 'status', 'longpoll'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** How every request observes httpDuration: by label values, at a fraction of prom-client's cost per call. */
  readonly httpDurations = new HistogramSeries<[service: string, method: string, route: string, status: number, longpoll: boolean]>(this.httpDuration);

  readonly handshakeDuration = new Histogram({
    name: 'signal_handshake_duration_seconds',
    help: 'Time from an offer being stored to the offerer reading the matching answer, from the answer\'s offeredAt, on whichever replica served that read',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly handshakes = new Counter({
    name: 'signal_handshakes_total',
    help: 'Offers by how they ended, counted by the replica whose write ended them: completed (first answer written), abandoned (replaced or expired while live and unanswered), expired_unanswered (replaced or expired after expiring unanswered)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deliverySli = new Counter({
    name: 'signal_sdp_delivery_sli_total',
    help: 'Handshake SLI events, at most 20 per user per minute per replica (2 of them undelivered): SDPs read by their peer within 5 s of being written (in_time) or later (late), offers that ended unanswered (undelivered)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deliverySliCapped = new Counter({
    name: 'signal_sdp_delivery_sli_capped_total',
    help: 'Handshake SLI events left out because their user already counted 20 in the minute on this replica',
    registers: [this.registry],
  });

  #waiting: (() => number) | undefined;

  readonly longPollWaiters = new Gauge({
    name: 'signal_longpoll_waiters',
    help: 'Long-poll requests currently waiting for an SDP',
    labelNames: ['service'] as const,
    registers: [this.registry],
    collect: () => {
      if (this.#waiting !== undefined) this.longPollWaiters.set({ service: 'signaling' }, this.#waiting());
    },
  });

  readonly longPollCapacity = new Gauge({
    name: 'signal_longpoll_capacity',
    help: 'LONGPOLL_MAX_PER_REPLICA: long-polls this replica parks before refusing new ones with 503',
    labelNames: ['service'] as const,
    registers: [this.registry],
  });

  /** Read at scrape time, so parking and waking a long-poll costs no metric update. */
  countWaitersWith(source: () => number, capacity: number): void {
    this.#waiting = source;
    this.longPollCapacity.set({ service: 'signaling' }, capacity);
  }

  readonly longPollWakeups = new Counter({
    name: 'signal_longpoll_wakeups_total',
    help: 'Long-polls that ended, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly logins = new Counter({
    name: 'signal_logins_total',
    help: 'Login attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Fed by the request context with each request's session, if it passed the session check. */
  readonly activeSessions = new ActiveSessions(5 * 60_000);

  readonly sessionsActive = new Gauge({
    name: 'signal_sessions_active',
    help: 'Distinct sessions that made an authenticated request to this process in the last 5 minutes',
    registers: [this.registry],
    collect: () => {
      this.sessionsActive.set(this.activeSessions.count());
    },
  });

  readonly logouts = new Counter({
    name: 'signal_logouts_total',
    help: 'Sessions ended by logout',
    registers: [this.registry],
  });

  readonly turnCredentialsIssued = new Counter({
    name: 'signal_turn_credentials_issued_total',
    help: 'TURN credentials minted by /ice_servers',
    registers: [this.registry],
  });

  readonly storeDuration = new Histogram({
    name: 'signal_store_operation_duration_seconds',
    help: 'Session and SDP store operation duration by store kind, operation and outcome',
    labelNames: ['store', 'op', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** How every store call observes storeDuration (see httpDurations). */
  readonly storeDurations = new HistogramSeries<[store: string, op: string, outcome: string]>(this.storeDuration);

  readonly cosmosRequestUnits = new Counter({
    name: 'signal_cosmos_request_units_total',
    help: 'Cosmos DB request units consumed, by operation',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });

  readonly cosmosThrottled = new Counter({
    name: 'signal_cosmos_throttled_requests_total',
    help: 'Cosmos DB requests answered 429 (throttled), by operation',
    labelNames: ['op'] as const,
    registers: [this.registry],
    // At 0 for every operation Cosmos has charged, before its first throttle: a burst of 429s
    // is then an increase rate() sees, not a series born at its final value ("No data").
    collect: async () => {
      for (const { labels } of (await this.cosmosRequestUnits.get()).values) this.cosmosThrottled.inc({ op: String(labels.op) }, 0);
    },
  });

  readonly busPublished = new Counter({
    name: 'signal_bus_events_published_total',
    help: 'Broadcasts published to the bus by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly busReceived = new Counter({
    name: 'signal_bus_events_received_total',
    help: 'Events received from the bus by kind and outcome (own = published by this replica)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly busLag = new Histogram({
    name: 'signal_bus_event_lag_seconds',
    help: 'Time from publish on one replica to receipt on another',
    labelNames: ['kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly wakeups = new Counter({
    name: 'signal_wakeups_total',
    help: 'Wake-up hints sent to a waiting replica, by path (local: the waiter is on this replica; crossed: on another) and outcome (delivered, or dropped: not acknowledged)',
    labelNames: ['path', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly wakeupsRefused = new Counter({
    name: 'signal_wakeups_refused_total',
    help: 'Requests and connections the wake-up port refused, by reason (mac, stale, replay, recipient, length, ...)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly busConnected = new Gauge({
    name: 'signal_bus_connected',
    help: '1 while the event bus (broadcasts: session revocations, SDP expiries) is connected',
    registers: [this.registry],
  });

  readonly ready = new Gauge({
    name: 'signal_ready',
    help: '1 while the process serves, 0 once it drains (the answer of its last /readyz)',
    registers: [this.registry],
  });

  #dependencies: (() => Promise<Record<string, boolean>>) | undefined;

  readonly dependencyUp = new Gauge({
    name: 'signal_dependency_up',
    help: '1 when the dependency answered a ping at this scrape, 0 when it failed or timed out',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
    collect: async () => {
      if (this.#dependencies === undefined) return;
      for (const [dependency, up] of Object.entries(await this.#dependencies())) this.dependencyUp.set({ dependency }, up ? 1 : 0);
    },
  });

  /** Pinged at scrape time: a dependency's state is known even while no request needs it. */
  checkDependenciesWith(source: () => Promise<Record<string, boolean>>): void {
    this.#dependencies = source;
  }

  readonly memoryLimit = new Gauge({
    name: 'signal_memory_limit_bytes',
    help: 'Memory limit of the container (cgroup) as Node reads it; 0 when the process has none',
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'signal_rate_limited_total',
    help: 'Requests refused with 429 by scope',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });

  #memoryStore: { readonly used: number; readonly limit: number } | undefined;

  readonly memoryStoreBytes = new Gauge({
    name: 'signal_memory_store_bytes',
    help: 'Estimated bytes held by the in-memory session and SDP stores (STORE=memory)',
    registers: [this.registry],
    collect: () => {
      if (this.#memoryStore !== undefined) this.memoryStoreBytes.set(this.#memoryStore.used);
    },
  });

  readonly memoryStoreBudget = new Gauge({
    name: 'signal_memory_store_budget_bytes',
    help: 'MEMORY_STORE_MAX_MB in bytes: past it the in-memory stores refuse writes (503 Storage full)',
    registers: [this.registry],
    collect: () => {
      if (this.#memoryStore !== undefined) this.memoryStoreBudget.set(this.#memoryStore.limit);
    },
  });

  /** Read at scrape time, like the waiter count: storing costs no metric update. */
  measureMemoryStoreWith(budget: { readonly used: number; readonly limit: number }): void {
    this.#memoryStore = budget;
  }

  /** `service` names the process on every series; metrics that carry their own `service` keep it. */
  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    // Series a panel or rule divides by, or plots per label, exist at 0 from the start: "0"
    // rather than "No data" while nothing happened, and a first event is a visible increase.
    for (const scope of ['ip', 'session']) this.rateLimited.inc({ scope }, 0);
    if (service === 'session' || service === 'all-in-one') {
      for (const outcome of ['success', 'invalid_token', 'unavailable']) this.logins.inc({ outcome }, 0);
    }
    if (service === 'signaling' || service === 'all-in-one') {
      for (const outcome of ['woken', 'timeout', 'client_gone', 'shutdown']) this.longPollWakeups.inc({ outcome }, 0);
      for (const outcome of ['completed', 'abandoned', 'expired_unanswered']) this.handshakes.inc({ outcome }, 0);
      for (const outcome of ['in_time', 'late', 'undelivered']) this.deliverySli.inc({ outcome }, 0);
      this.deliverySliCapped.inc(0);
      for (const path of ['local', 'crossed']) for (const outcome of ['delivered', 'dropped']) this.wakeups.inc({ path, outcome }, 0);
      // The refusals only a peer's request can earn, which SignalWakeupsRefused alerts on.
      for (const reason of ['mac', 'stale', 'recipient', 'replay']) this.wakeupsRefused.inc({ reason }, 0);
    }
    this.busConnected.set(1);
    this.ready.set(1);
    // Without a cgroup limit Node reports 2^64 (or the host's memory); neither is a limit to alert on.
    const limit = process.constrainedMemory();
    this.memoryLimit.set(limit > 0 && limit < totalmem() ? limit : 0);
  }
}
