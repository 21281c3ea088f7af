// Garbage-collection pauses behind the long-poll handshake tail: the protocol floor and Signal
// under --trace-gc, their rounds interleaved as in the handshakes case, then each one's pauses.
// Run it under the bench lock: flock /work/bench.lock node bench/handshake-gc.ts [--loads=200,500,saturation]
// [--rounds=4] [--signal-flags='--max-semi-space-size=2'] (then a third server, Signal with those V8 flags;
// repeat the option for more variants) [--keep] (leaves the --trace-gc logs)
// [--floor-flags=...] (the floor with V8 flags of its own) [--compare=<checkout>] (also Signal from another
// checkout with its node_modules, to compare a change in the same rounds).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { httpTarget, measureInterleaved } from './cases/handshakes.ts';
import { longPollHandshake } from './clients/http-handshake.ts';
import { FULL_RUN } from './config.ts';
import { cpuSeconds, pinSelfToCore, rssBytes } from './lib/proc-stats.ts';
import { freePort, type ServerProcess, type ServerSpec } from './lib/server-process.ts';
import { median } from './lib/stats.ts';
import * as systems from './systems.ts';

const { values: args } = parseArgs({ options: { loads: { type: 'string', default: '200,500' }, rounds: { type: 'string', default: '4' }, 'signal-flags': { type: 'string', multiple: true, default: [] }, 'floor-flags': { type: 'string', default: '' }, compare: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const loads = args.loads.split(',').map((load) => (load === 'saturation' ? load : Number(load)));
const config = { ...FULL_RUN, rounds: Number(args.rounds) };
const dir = mkdtempSync(join(tmpdir(), 'handshake-gc-'));
pinSelfToCore(systems.LOADGEN_CORE);

/** Like startServer, but with --trace-gc and the whole output kept in a file. */
async function traced(spec: Omit<ServerSpec, 'core'>, log: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn('taskset', ['-c', String(systems.SERVER_CORE), process.execPath, '--trace-gc', ...spec.args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', ...spec.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(log);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const origin = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited: ${readFileSync(log, 'utf8').slice(-2000)}`);
    const ready = await fetch(origin + spec.readyPath).then(async (res) => (await res.arrayBuffer(), res.ok), () => false);
    if (ready) break;
    await delay(50);
  }
  const pid = child.pid!;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { name: spec.name, pid, origin, cpuSeconds: () => cpuSeconds(pid), rssBytes: () => rssBytes(pid), stop: async () => void (child.kill('SIGTERM'), await exited) };
}

/** "Scavenge 9.4 (10.4) -> 9.0 (11.4) MB, pooled: 0 MB, 3.04 / 0.00 ms": the pause is the first figure after the sizes. */
function pauses(log: string, kind: string): number[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`: ${kind} `))
    .map((line) => Number(/MB, ([\d.]+) \/ /.exec(line)?.[1]))
    .filter(Number.isFinite);
}

const secret = systems.newJwtSecret();
const signal = systems.signalSpec(secret);
const variants = args['signal-flags'].map((flags) => flags.split(' ').filter(Boolean)).filter((flags) => flags.length > 0);
const floorFlags = args['floor-flags'].split(' ').filter(Boolean);
const floor = floorFlags.length > 0 ? { ...systems.FLOOR, name: `${systems.FLOOR.name} ${floorFlags.join(' ')}`, args: [...floorFlags, ...systems.FLOOR.args] } : systems.FLOOR;
const specs = [
  floor,
  signal,
  ...variants.map((flags) => ({ ...signal, name: `Signal ${flags.join(' ')}`, args: [...flags, ...signal.args] })),
  ...(args.compare !== undefined ? [systems.signalSpecIn(args.compare, secret)] : []),
];
const servers: ServerProcess[] = [];
try {
  for (const [i, spec] of specs.entries()) servers.push(await traced(spec, join(dir, `${i}.log`)));
  const drivers = await Promise.all(
    servers.map((server, i) => httpTarget(server, 'long-poll', i === 0 ? systems.floorLogin : systems.signalLogin(secret), (api) => longPollHandshake(api, 25), config, false)),
  );
  for (const load of loads) {
    const rows = await measureInterleaved(drivers, load, config);
    for (const row of rows) process.stdout.write(`${load}/s ${row.system}: ${row.median.handshakesPerSecond.toFixed(0)}/s, p99 ${row.rounds.map((r) => r.p99Ms.toFixed(1)).join(', ')} ms; max ${row.rounds.map((r) => r.maxMs.toFixed(0)).join(', ')} ms; CPU ${row.median.cpuMicrosPerHandshake.toFixed(0)} µs/handshake; other CPU ${row.rounds.map((r) => r.otherCpuPercent.toFixed(0)).join(', ')} %\n`);
  }
  await Promise.all(drivers.map((driver) => driver.close()));
} finally {
  await Promise.all(servers.map((server) => server.stop()));
}
for (const [i, spec] of specs.entries()) {
  for (const kind of ['Scavenge', 'Mark-Compact']) {
    const found = pauses(join(dir, `${i}.log`), kind);
    if (found.length > 0) process.stdout.write(`${spec.name} ${kind}: ${found.length} pauses, ${found.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, median ${median(found).toFixed(1)} ms, longest ${Math.max(...found).toFixed(1)} ms\n`);
  }
}
if (args.keep) process.stdout.write(`--trace-gc logs kept in ${dir}\n`);
else rmSync(dir, { recursive: true, force: true });
