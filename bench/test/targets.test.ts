import type { BenchResults, HandshakeResult, HandshakeRound, RouteResult } from '../report/results.ts';
import { checkTargets } from '../report/targets.ts';
import { handshakeRound } from './bench-results-fixtures.ts';

const round = (p99Ms: number, otherCpuPercent = 0): HandshakeRound => handshakeRound(1, p99Ms, otherCpuPercent);

const handshake = (system: string, mode: HandshakeResult['mode'], median: HandshakeRound): HandshakeResult => ({ system, mode, load: 200, rounds: [median], median });

function results(handshakes: HandshakeResult[]): BenchResults {
  return { startedAt: '', durationSeconds: 0, command: '', environment: {}, config: {}, routes: [], handshakes, idle: [], skipped: [], profiles: [] };
}

test('latency targets compare medians of the same load and flag noisy rounds', () => {
  const checks = checkTargets(
    results([
      handshake('Signal all-in-one', 'long-poll', round(12)),
      handshake('protocol floor', 'long-poll', round(10)),
      handshake('Signal all-in-one', 'polling 1 s', round(1500, 60)),
      handshake('PeerJS server', 'websocket', round(6)),
    ]),
    [200],
  );
  expect(checks.map((c) => [c.target.split(' @')[0], c.ratio, c.pass, c.noisy])).toEqual([
    ['long-poll handshake p99 <= 1.2x protocol floor', 1.2, true, false],
    ['long-poll p99 >= 100x better than 1 s polling', 125, true, true],
    ['long-poll p99 beside PeerJS (4 HTTP requests vs 2 WS messages)', 2, null, false],
  ]);
});

test('the p99 guard against the floor is the median of the ratios of interleaved rounds, with their range', () => {
  const rounds = (p99s: number[]) => p99s.map((p99) => round(p99));
  const signal = { ...handshake('Signal all-in-one', 'long-poll', round(20)), rounds: rounds([10, 20, 30]) };
  const floor = { ...handshake('protocol floor', 'long-poll', round(20)), rounds: rounds([30, 10, 20]) };
  const [check] = checkTargets(results([signal, floor]), [200]);
  expect(check?.ratio).toBeCloseTo(1.5);
  expect(check?.pass).toBe(false);
  expect(check?.measured).toBe('20.00 ms vs 20.00 ms, rounds 0.33-2.00x');
});

test('a target whose figures are missing is not reported at all', () => {
  expect(checkTargets(results([handshake('protocol floor', 'long-poll', round(10))]), [200])).toEqual([]);
});

test("a route with an Express hello of its shape is also reported beside that hello, for information", () => {
  const route = (system: string, name: string, requestsPerSecond: number, shape?: string): RouteResult => {
    const median = { requestsPerSecond, p50Ms: 1, p99Ms: 2, failures: 0, serverCpuPercent: 100, loadgenCpuPercent: 50, otherCpuPercent: 0 };
    return { system, route: name, ...(shape === undefined ? {} : { shape }), rounds: [median], median };
  };
  const checks = checkTargets(
    {
      ...results([]),
      routes: [
        route('Express 5 hello', 'GET /hello', 20000),
        route('Express 5 hello', 'POST /hello (SDP body)', 12000),
        route('Signal all-in-one', 'POST /offer', 9000, 'POST /hello (SDP body)'),
        route('Signal all-in-one', 'GET /ice_servers', 15000),
      ],
    },
    [],
  );
  expect(checks.map((c) => [c.target, c.ratio, c.pass])).toEqual([
    ['POST /offer throughput >= 0.7x Express hello', 0.45, false],
    ["POST /offer throughput beside Express's POST /hello (SDP body)", 0.75, null],
    ['GET /ice_servers throughput >= 0.7x Express hello', 0.75, true],
  ]);
  expect(checks[1]?.measured).toBe('9000 vs 12000 req/s; that hello 0.60x the Express hello');
});
