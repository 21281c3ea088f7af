// Where a waiting long-poll's RSS goes: Signal's heap spaces (its own /metrics) before and while N
// long-polls wait, the growth divided by N, beside the RSS growth the idle-memory case measures.
// Run it under the bench lock: flock /work/bench.lock node bench/waiter-rss.ts [--waiters=10000]
// [--node-flags='--max-semi-space-size=2'] (V8 flags for Signal's process, to try a setting).
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { holdLongPolls } from './cases/idle-memory.ts';
import { pinSelfToCore } from './lib/proc-stats.ts';
import { startServer } from './lib/server-process.ts';
import * as systems from './systems.ts';

const { values: args } = parseArgs({ options: { waiters: { type: 'string', default: '10000' }, 'node-flags': { type: 'string', default: '' } } });
const waiters = Number(args.waiters);
const flags = args['node-flags'].split(' ').filter(Boolean);
/** Gauges of prom-client's default metrics that say where the memory is. */
const MEMORY = /^(process_resident_memory_bytes|nodejs_heap_size_(?:total|used)_bytes|nodejs_external_memory_bytes|nodejs_heap_space_size_total_bytes)(?:\{(?:space="([^"]+)")?[^}]*\})? ([\d.e+]+)$/;

pinSelfToCore(systems.LOADGEN_CORE);
const secret = systems.newJwtSecret();
const spec = systems.signalSpec(secret);
const server = await startServer({ ...spec, args: [...flags, ...spec.args], core: systems.SERVER_CORE });
const control = new Pool(server.origin, { connections: 1 });
async function memory(): Promise<Map<string, number>> {
  const text = await (await control.request({ method: 'GET', path: '/metrics' })).body.text();
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = MEMORY.exec(line);
    if (match !== null) found.set(match[2] === undefined ? match[1]! : `heap space ${match[2]} (committed)`, Number(match[3]));
  }
  return found;
}
try {
  let before = new Map<string, number>();
  let during = new Map<string, number>();
  const round = await holdLongPolls(server, systems.signalLogin(secret), waiters, 120, true, {
    before: async () => void (before = await memory()),
    held: async () => void (during = await memory()),
  });
  const kb = (bytes: number) => (bytes / 1024).toFixed(2);
  const lines = [`${waiters} waiting long-polls, Signal${flags.length > 0 ? ` with ${flags.join(' ')}` : ''}: RSS ${kb(round.bytesPerHold)} KB per waiter`, '', '| gauge | KB per waiter | MB while they wait |', '| --- | ---: | ---: |'];
  for (const [gauge, value] of during) {
    const growth = value - (before.get(gauge) ?? 0);
    if (Math.abs(growth) >= 0.01 * 1024 * waiters) lines.push(`| ${gauge} | ${kb(growth / waiters)} | ${(value / 1e6).toFixed(1)} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await control.close();
  await server.stop();
}
