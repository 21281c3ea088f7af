// What one waiting long-poll keeps on the JS heap, by constructor: a heap snapshot of the server
// before and while N long-polls wait (Signal, then the protocol floor), the difference divided by N.
// Run it under the bench lock: flock /work/bench.lock node bench/waiter-heap.ts [--waiters=2000] [--top=30]
// [--signal-only] [--keep] (--keep leaves the snapshots in a temporary folder, for DevTools' Memory tab).
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { holdLongPolls } from './cases/idle-memory.ts';
import { heapGrowth, readHeapGroups, type HeapGroup } from './lib/heap-snapshot.ts';
import { pinSelfToCore } from './lib/proc-stats.ts';
import { startServer, type ServerProcess, type ServerSpec } from './lib/server-process.ts';
import * as systems from './systems.ts';

const { values: args } = parseArgs({ options: {
    waiters: { type: 'string', default: '2000' },
    top: { type: 'string', default: '30' },
    'signal-only': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  }, });
const waiters = Number(args.waiters);
const top = Number(args.top);
const WAIT_SECONDS = 120;

pinSelfToCore(systems.LOADGEN_CORE);

/** Asks the server for a snapshot (it runs with --heapsnapshot-signal) and reads it once written. */
async function snapshot(server: ServerProcess, dir: string): Promise<Map<string, HeapGroup>> {
  const known = new Set(readdirSync(dir));
  process.kill(server.pid, 'SIGUSR2');
  for (;;) {
    await delay(250);
    const file = readdirSync(dir).find((name) => !known.has(name) && name.endsWith('.heapsnapshot'));
    if (file === undefined) continue;
    const path = join(dir, file);
    // The server writes the file while it is stopped; once it answers again the file is whole.
    await fetch(`${server.origin}/`).then((res) => res.arrayBuffer(), () => undefined);
    const size = statSync(path).size;
    await delay(250);
    if (statSync(path).size === size) return readHeapGroups(path);
  }
}

async function probe(spec: Omit<ServerSpec, 'core'>, login: systems.Login, hasMetrics: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'waiter-heap-'));
  const server = await startServer({ ...spec, args: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`, ...spec.args], core: systems.SERVER_CORE });
  try {
    let before = new Map<string, HeapGroup>();
    let after = new Map<string, HeapGroup>();
    const round = await holdLongPolls(server, login, waiters, WAIT_SECONDS, hasMetrics, {
      before: async () => void (before = await snapshot(server, dir)),
      held: async () => void (after = await snapshot(server, dir)),
    });
    const growth = heapGrowth(before, after);
    const total = growth.reduce((sum, row) => sum + row.bytes, 0);
    const lines = [
      `\n### ${server.name}: ${waiters} waiting long-polls`,
      '',
      `JS heap ${(total / waiters / 1024).toFixed(2)} KB per waiter (live objects, after GC); RSS ${(round.bytesPerHold / 1024).toFixed(1)} KB per waiter in this run (snapshots disturb RSS: the idle-memory case measures it)`,
      '',
      '| what (constructor, closure or V8 kind) | per waiter | bytes per waiter |',
      '| --- | ---: | ---: |',
      ...growth.slice(0, top).map((row) => `| ${row.group.replaceAll('|', '\\|')} | ${(row.count / waiters).toFixed(2)} | ${(row.bytes / waiters).toFixed(0)} |`),
      `| everything else | | ${(growth.slice(top).reduce((sum, row) => sum + row.bytes, 0) / waiters).toFixed(0)} |`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await server.stop();
    if (args.keep) process.stdout.write(`snapshots kept in ${dir}\n`);
    else if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

const jwtSecret = systems.newJwtSecret();
await probe(systems.signalSpec(jwtSecret), systems.signalLogin(jwtSecret), true);
if (!args['signal-only']) await probe(systems.FLOOR, systems.floorLogin, false);
