import type { HandshakeRound } from '../report/results.ts';

/** A handshake round at 200/s on a quiet machine, with the latencies a test is about. */
export const handshakeRound = (p50Ms: number, p99Ms: number, otherCpuPercent = 0): HandshakeRound => ({
  handshakesPerSecond: 200,
  p50Ms,
  p99Ms,
  maxMs: p99Ms,
  errors: 0,
  cpuMicrosPerHandshake: 100,
  serverCpuPercent: 20,
  loadgenCpuPercent: 20,
  otherCpuPercent,
  loadgenLagP99Ms: 1,
});
