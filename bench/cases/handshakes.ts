import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { SignalHttpApi, type HttpPeer } from '../clients/http-api.ts';
import type { Handshake } from '../clients/http-handshake.ts';
import { PeerJsPeer } from '../clients/peerjs.ts';
import type { BenchConfig } from '../config.ts';
import { percentOf, startCpuWindow } from '../lib/cpu-window.ts';
import { closedLoop, openLoop, type LoadRound } from '../lib/load.ts';
import { countDelta, storeOperationCounts } from '../lib/prometheus.ts';
import type { ServerProcess } from '../lib/server-process.ts';
import { median, medianOf, summarize } from '../lib/stats.ts';
import type { HandshakeMode, HandshakeResult, HandshakeRound } from '../report/results.ts';
import type { Login } from '../systems.ts';

/** A server plus the clients that drive handshakes through it. */
export interface HandshakeTarget {
  server: ServerProcess;
  mode: HandshakeMode;
  task: (index: number) => Promise<void>;
  /** Store operation counts from the server's /metrics, where it exports them. */
  storeOps?: () => Promise<Map<string, number>>;
  close(): Promise<void>;
}

const POOL_CONNECTIONS = 512;

/** Handshakes over HTTP (Signal or the protocol floor) between pre-logged-in caller/callee pairs. */
export async function httpTarget(
  server: ServerProcess,
  mode: HandshakeMode,
  login: Login,
  handshake: (api: SignalHttpApi) => Handshake,
  config: BenchConfig,
  exportsStoreOps: boolean,
): Promise<HandshakeTarget> {
  const pool = new Pool(server.origin, { connections: POOL_CONNECTIONS });
  const pairs: [HttpPeer, HttpPeer][] = await Promise.all(
    Array.from({ length: config.pairs }, async (_, i) => [await login(pool, `caller-${i}`), await login(pool, `callee-${i}`)] as [HttpPeer, HttpPeer]),
  );
  const run = handshake(new SignalHttpApi(pool));
  const storeOps = async () => {
    const res = await pool.request({ method: 'GET', path: '/metrics' });
    return storeOperationCounts(await res.body.text());
  };
  return {
    server,
    mode,
    task: (index) => {
      const [caller, callee] = pairs[index % pairs.length] as [HttpPeer, HttpPeer];
      return run(caller, callee);
    },
    ...(exportsStoreOps ? { storeOps } : {}),
    close: () => pool.close(),
  };
}

/** Offer and answer relayed by the PeerJS server between pre-connected WebSocket peers. */
export async function peerJsTarget(server: ServerProcess, config: BenchConfig): Promise<HandshakeTarget> {
  const peers = await Promise.all(Array.from({ length: config.pairs * 2 }, () => PeerJsPeer.connect(server.origin)));
  const timeoutMs = config.drainSeconds * 1000;
  return {
    server,
    mode: 'websocket',
    task: (index) => {
      const pair = (index % config.pairs) * 2;
      const [caller, callee] = [peers[pair], peers[pair + 1]] as [PeerJsPeer, PeerJsPeer];
      return caller.handshake(callee.id, timeoutMs);
    },
    close: async () => {
      await Promise.all(peers.map((peer) => peer.close()));
    },
  };
}

function perHandshake(delta: Map<string, number>, completed: number): Record<string, number> {
  return Object.fromEntries([...delta].map(([key, count]) => [key, count / completed]));
}

function medianRecord(records: Record<string, number>[]): Record<string, number> {
  const keys = [...new Set(records.flatMap((record) => Object.keys(record)))].sort();
  return Object.fromEntries(keys.map((key) => [key, median(records.map((record) => record[key] ?? 0))]));
}

/** One measured round of one target: the load generator's view, the server's CPU, store operations. */
async function measureRound(target: HandshakeTarget, load: number | 'saturation', config: BenchConfig) {
  const opsBefore = await target.storeOps?.();
  const cpu = startCpuWindow(target.server);
  // A late load generator inflates latency as much as a slow server: its own loop delay says which.
  const loadgenLag = monitorEventLoopDelay({ resolution: 1 });
  loadgenLag.enable();
  const result = await runLoad(target, load, config, config.handshakeSeconds);
  loadgenLag.disable();
  const use = cpu();
  const opsAfter = await target.storeOps?.();
  const latency = summarize(result.latenciesMs);
  const round: HandshakeRound = {
    handshakesPerSecond: result.completed / result.elapsedSeconds,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
    errors: result.errors,
    cpuMicrosPerHandshake: (use.serverCpuSeconds * 1e6) / result.completed,
    serverCpuPercent: percentOf(use.serverCpuSeconds, use.wallSeconds),
    loadgenCpuPercent: percentOf(use.loadgenCpuSeconds, use.wallSeconds),
    otherCpuPercent: percentOf(use.otherCpuSeconds, use.wallSeconds),
    loadgenLagP99Ms: loadgenLag.percentile(99) / 1e6,
  };
  return { round, storeOps: opsBefore && opsAfter ? perHandshake(countDelta(opsBefore, opsAfter), result.completed) : undefined, firstError: result.firstError };
}

const runLoad = (target: HandshakeTarget, load: number | 'saturation', config: BenchConfig, seconds: number): Promise<LoadRound> =>
  load === 'saturation'
    ? closedLoop({ concurrency: config.saturationConcurrency, durationSeconds: seconds, task: target.task })
    : openLoop({ ratePerSecond: load, durationSeconds: seconds, drainSeconds: config.drainSeconds, task: target.task });

/**
 * One load on several servers, their rounds interleaved: after a warm-up of each, round i of every
 * target runs before round i + 1 of any, in an order that alternates, so that what the rest of the
 * machine does falls on all of them alike and round i of each can be compared. Medians reported.
 */
export async function measureInterleaved(targets: HandshakeTarget[], load: number | 'saturation', config: BenchConfig): Promise<HandshakeResult[]> {
  for (const target of targets) await runLoad(target, load, config, config.warmupSeconds);
  const measured = targets.map(() => ({ rounds: [] as HandshakeRound[], storeOps: [] as Record<string, number>[], firstError: undefined as string | undefined }));
  for (let round = 0; round < config.rounds; round += 1) {
    const order = targets.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const { round: figures, storeOps, firstError } = await measureRound(targets[index] as HandshakeTarget, load, config);
      const into = measured[index]!;
      into.rounds[round] = figures;
      if (storeOps !== undefined) into.storeOps.push(storeOps);
      into.firstError ??= firstError;
    }
  }
  return targets.map((target, index) => {
    const { rounds, storeOps, firstError } = measured[index]!;
    return {
      system: target.server.name,
      mode: target.mode,
      load,
      rounds,
      median: medianOf(rounds),
      ...(storeOps.length > 0 ? { storeOpsPerHandshake: medianRecord(storeOps) } : {}),
      ...(firstError === undefined ? {} : { firstError }),
    };
  });
}

/** One case on one server: a warm-up at the same load, then `rounds` measured rounds; medians reported. */
export async function measureHandshakes(target: HandshakeTarget, load: number | 'saturation', config: BenchConfig): Promise<HandshakeResult> {
  const [result] = await measureInterleaved([target], load, config);
  return result!;
}
