/** Sizes and durations of one bench run. */
export interface BenchConfig {
  rounds: number;
  warmupSeconds: number;
  /** autocannon run per route and round. */
  routeSeconds: number;
  routeConnections: number;
  /** Open-loop arrivals per handshake round. */
  handshakeSeconds: number;
  /** Offered loads, handshakes per second. */
  loads: number[];
  /** Concurrent handshake clients in the saturation case. */
  saturationConcurrency: number;
  /** Logged-in caller/callee pairs the handshakes rotate over. */
  pairs: number;
  longPollWaitSeconds: number;
  pollIntervalMs: number;
  /** How long a round waits for late handshakes before counting them as errors. */
  drainSeconds: number;
  /** Idle long-polls (and PeerJS peers) held open for the memory case. */
  idleHolds: number;
  /** The whole run stops starting new cases past this, so `npm run bench` ends on its own. */
  budgetSeconds: number;
}

export const FULL_RUN: BenchConfig = {
  rounds: 3,
  warmupSeconds: 1,
  routeSeconds: 2,
  routeConnections: 50,
  handshakeSeconds: 3,
  loads: [200, 500, 1000],
  saturationConcurrency: 64,
  pairs: 100,
  longPollWaitSeconds: 25,
  pollIntervalMs: 1000,
  drainSeconds: 5,
  idleHolds: 10_000,
  budgetSeconds: 540,
};

/** For trying the harness: every case once, briefly. Its figures are not for reporting. */
export const QUICK_RUN: BenchConfig = {
  ...FULL_RUN,
  rounds: 1,
  warmupSeconds: 0.5,
  routeSeconds: 1,
  handshakeSeconds: 1,
  loads: [200],
  saturationConcurrency: 16,
  pairs: 10,
  idleHolds: 1000,
  budgetSeconds: 240,
};
