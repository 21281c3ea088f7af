/** Everything one bench run measured; written as JSON and rendered as markdown. */
import type { ProfileSummary } from './cpu-profile.ts';

export interface RouteRound extends Record<string, number> {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx, and socket errors: a route with either did not measure what it claims. */
  failures: number;
  serverCpuPercent: number;
  loadgenCpuPercent: number;
  /** CPU used by other processes on the machine during the round (of 100 per core). */
  otherCpuPercent: number;
}

export interface RouteResult {
  system: string;
  route: string;
  /** The Express hello route of the same shape, when the route has one. */
  shape?: string;
  rounds: RouteRound[];
  median: RouteRound;
}

export type HandshakeMode = 'long-poll' | 'polling 1 s' | 'websocket';

export interface HandshakeRound extends Record<string, number> {
  handshakesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  cpuMicrosPerHandshake: number;
  serverCpuPercent: number;
  loadgenCpuPercent: number;
  otherCpuPercent: number;
  /** p99 event-loop delay of the load generator: how late it could have been in sending or reading. */
  loadgenLagP99Ms: number;
}

export interface HandshakeResult {
  system: string;
  mode: HandshakeMode;
  /** Offered handshakes per second, or 'saturation' for closed-loop clients. */
  load: number | 'saturation';
  rounds: HandshakeRound[];
  median: HandshakeRound;
  /** Store operations per completed handshake by `store.op.outcome`, median round (Signal only). */
  storeOpsPerHandshake?: Record<string, number>;
  firstError?: string;
}

export interface IdleRound extends Record<string, number> {
  holds: number;
  rssDeltaBytes: number;
  bytesPerHold: number;
  /** Store reads during a quiet window while every long-poll waits (Signal only; NaN elsewhere). */
  storeReadsWhileWaiting: number;
}

export interface IdleResult {
  system: string;
  /** What is held: waiting long-polls or connected WebSocket peers. */
  unit: string;
  rounds: IdleRound[];
  median: IdleRound;
}

export interface Skipped {
  case: string;
  reason: string;
}

export interface BenchResults {
  /** With --profile: where Signal's CPU went, per case group. */
  profiles: ProfileSummary[];
  startedAt: string;
  durationSeconds: number;
  command: string;
  environment: Record<string, string>;
  config: Record<string, unknown>;
  routes: RouteResult[];
  handshakes: HandshakeResult[];
  idle: IdleResult[];
  skipped: Skipped[];
}
