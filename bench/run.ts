// `npm run bench`: Signal against raw Node, Express, the protocol floor and PeerJS, in one run.
// Options: --quick (every case once, briefly), --only=routes,handshakes,idle,layers (layers, the per-request
// CPU budget by layer, runs only when asked), --loads=200,500,1000, --rounds=N,
// --handshake-seconds=N (arrivals per handshake round; a longer round's p99 rests on more handshakes than one pause),
// --filter=<text> (only case groups whose name contains it, e.g. --filter=floor),
// --profile (Signal runs under --cpu-prof; the report says where its CPU went; figures of such a run carry the profiler's cost),
// --plots (then redraws docs/plots/ from the newest results of each case, this run's included),
// --compare=<dir> (the routes case also runs Signal from another checkout with node_modules, route by route in the same rounds).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { longPollHandshake, pollingHandshake } from './clients/http-handshake.ts';
import { FULL_RUN, QUICK_RUN, type BenchConfig } from './config.ts';
import { holdLongPolls, holdPeerJsPeers, measureIdle } from './cases/idle-memory.ts';
import { httpTarget, measureHandshakes, measureInterleaved, peerJsTarget, type HandshakeTarget } from './cases/handshakes.ts';
import { measureLayers, renderLayerBudget } from './cases/layers.ts';
import { expressHelloRoutes, measureRoutes, signalRoutes, type RouteTarget } from './cases/routes.ts';
import { Budget } from './lib/budget.ts';
import { pinSelfToCore } from './lib/proc-stats.ts';
import { gitRevision } from './lib/repo.ts';
import { startServer, type ServerProcess, type ServerSpec } from './lib/server-process.ts';
import { summarizeProfiles } from './report/cpu-profile.ts';
import { renderMarkdown, verdict } from './report/markdown.ts';
import { describeDrawReport, drawPlots } from './report/plots/draw.ts';
import { RESULTS_DIR, resultStamp, writeResultsJson } from './report/results-files.ts';
import type { BenchResults } from './report/results.ts';
import { checkTargets } from './report/targets.ts';
import * as systems from './systems.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    loads: { type: 'string' },
    rounds: { type: 'string' },
    'handshake-seconds': { type: 'string' },
    filter: { type: 'string' },
    profile: { type: 'boolean', default: false },
    plots: { type: 'boolean', default: false },
    compare: { type: 'string' },
  },
});
const config: BenchConfig = {
  ...(args.quick ? QUICK_RUN : FULL_RUN),
  ...(args.loads === undefined ? {} : { loads: args.loads.split(',').map(Number) }),
  ...(args.rounds === undefined ? {} : { rounds: Number(args.rounds) }),
  ...(args['handshake-seconds'] === undefined ? {} : { handshakeSeconds: Number(args['handshake-seconds']) }),
};
const suites = new Set((args.only ?? 'routes,handshakes,idle').split(','));

if (Number(process.versions.node.split('.')[0]) < 24) throw new Error(`Node 24 is required, this is ${process.version}`);
pinSelfToCore(systems.LOADGEN_CORE);

const started = performance.now();
const budget = new Budget(config.budgetSeconds);
const results: BenchResults = {
  startedAt: new Date().toISOString(),
  durationSeconds: 0,
  command: `node bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
  environment: {
    revision: gitRevision(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} x ${cpus().length}`,
  },
  config: { ...config },
  routes: [],
  handshakes: [],
  idle: [],
  skipped: [],
  profiles: [],
};
const outDir = RESULTS_DIR;
const stamp = resultStamp(results.startedAt);
const jwtSecret = systems.newJwtSecret();
const hasSignal = systems.signalExists();
const profiled: { label: string; dir: string }[] = [];

/** Signal's spec for one case group; with --profile each group's processes write their profiles to a folder of its own. */
function signalFor(label: string): Omit<ServerSpec, 'core'> {
  const spec = systems.signalSpec(jwtSecret);
  if (!args.profile) return spec;
  const dir = join(outDir, `${stamp}-profiles`, label);
  profiled.push({ label, dir });
  return { ...spec, args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...spec.args] };
}

/** Runs one group of cases; a failure or a full budget is recorded as skipped, never aborts the run. */
async function group(name: string, estimateSeconds: number, body: () => Promise<void>): Promise<void> {
  if (args.filter !== undefined && !name.toLowerCase().includes(args.filter.toLowerCase())) return;
  if (!budget.allows(estimateSeconds)) {
    results.skipped.push({ case: name, reason: `time budget (${budget.remainingSeconds().toFixed(0)} s left, needs ~${estimateSeconds.toFixed(0)} s)` });
    return;
  }
  process.stderr.write(`bench: ${name} (~${estimateSeconds.toFixed(0)} s)`);
  const begin = performance.now();
  try {
    await body();
  } catch (error) {
    results.skipped.push({ case: name, reason: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) });
  }
  process.stderr.write(` took ${((performance.now() - begin) / 1000).toFixed(0)} s\n`);
}

async function withServer(spec: Omit<ServerSpec, 'core'>, body: (server: ServerProcess) => Promise<void>): Promise<void> {
  const server = await startServer({ ...spec, core: systems.SERVER_CORE });
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

const routeSeconds = config.warmupSeconds + config.rounds * config.routeSeconds + 1;
const loadsSeconds = (settleSeconds: number, loads: number) => loads * (config.warmupSeconds + config.rounds * (config.handshakeSeconds + settleSeconds) + 1) + 3;
// Measured on this machine: ~1.5 s per 1,000 connections opened and closed, plus start and settling.
const idleSeconds = config.rounds * (6 + (1.5 * config.idleHolds) / 1000);

async function handshakeCases(name: string, spec: Omit<ServerSpec, 'core'>, loads: (number | 'saturation')[], settleSeconds: number, target: (server: ServerProcess) => Promise<HandshakeTarget>) {
  await group(`handshakes: ${name}`, loadsSeconds(settleSeconds, loads.length), () =>
    withServer(spec, async (server) => {
      const driver = await target(server);
      try {
        for (const load of loads) results.handshakes.push(await measureHandshakes(driver, load, config));
      } finally {
        await driver.close();
      }
    }),
  );
}

if (suites.has('routes')) {
  const signals = hasSignal ? [signalFor('routes'), ...(args.compare === undefined ? [] : [systems.signalSpecIn(args.compare, jwtSecret)])] : [];
  await group('routes: hellos and Signal, rounds interleaved', (4 + 8 * signals.length) * routeSeconds, async () => {
    const servers: ServerProcess[] = [];
    try {
      for (const spec of [systems.RAW_HELLO, systems.EXPRESS_HELLO, ...signals]) servers.push(await startServer({ ...spec, core: systems.SERVER_CORE }));
      const [raw, express, ...signal] = servers;
      if (raw === undefined || express === undefined) return;
      const targets: RouteTarget[] = [{ server: raw, spec: { route: 'GET /', path: '/' } }, ...expressHelloRoutes().map((spec) => ({ server: express, spec }))];
      // With --compare, the two Signals take turns route by route, each keeping its routes' order.
      const routesOf = await Promise.all(signal.map(async (server) => (await signalRoutes(server.origin, jwtSecret)).map((spec) => ({ server, spec }))));
      for (const [i] of (routesOf[0] ?? []).entries()) for (const routes of routesOf) if (routes[i] !== undefined) targets.push(routes[i]);
      results.routes.push(...(await measureRoutes(targets, config)));
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
}

let layerBudget = '';
if (suites.has('layers') && hasSignal) {
  await group('layers: Signal CPU budget', 38 * (config.warmupSeconds + config.routeSeconds) + 10, async () => {
    layerBudget = renderLayerBudget(await measureLayers(systems.signalSpec(jwtSecret), jwtSecret, config, join(outDir, `${stamp}-layers`)));
  });
}

if (suites.has('handshakes')) {
  const withSaturation = [...config.loads, 'saturation' as const];
  const { waitSeconds, pollMs, giveUpMs } = { waitSeconds: config.longPollWaitSeconds, pollMs: config.pollIntervalMs, giveUpMs: config.drainSeconds * 2000 };
  const floorTarget = (server: ServerProcess) => httpTarget(server, 'long-poll', systems.floorLogin, (api) => longPollHandshake(api, waitSeconds), config, false);
  if (hasSignal) {
    // Signal's p99 is judged against the floor's, so their rounds alternate on the same machine state.
    await group('handshakes: long-poll, protocol floor and Signal in interleaved rounds', 2 * loadsSeconds(0.5, withSaturation.length), () =>
      withServer(systems.FLOOR, (floor) =>
        withServer(signalFor('long-poll handshakes'), async (signal) => {
          const drivers = [await floorTarget(floor), await httpTarget(signal, 'long-poll', systems.signalLogin(jwtSecret), (api) => longPollHandshake(api, waitSeconds), config, true)];
          try {
            const byLoad = [];
            for (const load of withSaturation) byLoad.push(await measureInterleaved(drivers, load, config));
            // Rows by system, as the other cases print them.
            for (const index of drivers.keys()) results.handshakes.push(...byLoad.map((rows) => rows[index]!));
          } finally {
            await Promise.all(drivers.map((driver) => driver.close()));
          }
        }),
      ),
    );
    await handshakeCases('Signal, 1 s polling', signalFor('polling handshakes'), config.loads, 4.5, (server) =>
      httpTarget(server, 'polling 1 s', systems.signalLogin(jwtSecret), (api) => pollingHandshake(api, pollMs, giveUpMs), config, true),
    );
  } else {
    await handshakeCases('protocol floor, long-poll', systems.FLOOR, withSaturation, 0.5, floorTarget);
  }
  await handshakeCases('PeerJS, WebSocket relay', systems.PEERJS, withSaturation, 0.5, (server) => peerJsTarget(server, config));
}

if (suites.has('idle')) {
  const holds = config.idleHolds;
  const wait = 120;
  if (hasSignal) {
    await group('idle: Signal long-polls', idleSeconds, async () => {
      const login = systems.signalLogin(jwtSecret);
      const signal = signalFor('idle long-polls');
      results.idle.push(await measureIdle('waiting long-polls', config.rounds, () => startServer({ ...signal, core: systems.SERVER_CORE }), (s) => holdLongPolls(s, login, holds, wait, true)));
    });
  }
  await group('idle: protocol floor long-polls', idleSeconds, async () => {
    results.idle.push(
      await measureIdle('waiting long-polls', config.rounds, () => startServer({ ...systems.FLOOR, core: systems.SERVER_CORE }), (s) => holdLongPolls(s, systems.floorLogin, holds, wait, false)),
    );
  });
  await group('idle: PeerJS peers', idleSeconds, async () => {
    results.idle.push(await measureIdle('connected peers', config.rounds, () => startServer({ ...systems.PEERJS, core: systems.SERVER_CORE }), (s) => holdPeerJsPeers(s, holds)));
  });
}

if (!hasSignal) results.skipped.push({ case: 'every Signal case', reason: `${systems.SIGNAL_ENTRY} does not exist yet` });
for (const { label, dir } of profiled) if (existsSync(dir)) results.profiles.push(summarizeProfiles(label, dir));
results.durationSeconds = (performance.now() - started) / 1000;
const targets = checkTargets(results, config.loads);
const markdown = renderMarkdown(results, targets) + (layerBudget === '' ? '' : `\n${layerBudget}`);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, `${stamp}.md`), markdown);
writeResultsJson(outDir, `${stamp}.json`, { ...results, targets });
process.stdout.write(`${markdown}\n`);
for (const check of targets) process.stdout.write(`${verdict(check)} ${check.target}: ${check.measured} (ratio ${check.ratio.toFixed(2)})\n`);
process.stdout.write(`\nwritten to bench/results/${stamp}.md and .json\n`);
if (args.plots) process.stdout.write(`${describeDrawReport(drawPlots(outDir))}\n`);
