// Where a long-poll handshake's bytes are allocated: V8's sampling heap profiler in the server
// (over its inspector) while a fixed number of handshakes run, objects already collected by young
// and old collections included, self bytes summed by module and function and divided by the
// handshakes; then, over as many more, what survived a young collection and what stays alive after
// a full collection. Signal, then the floor.
// Run it under the bench lock: flock /work/bench.lock node bench/handshake-alloc.ts [--rate=200]
// [--seconds=3] [--interval=1024] [--top=25] [--signal-only] [--signal-flags='--single-threaded-gc']
// [--keep=<dir>] (writes each profile there as a .heapprofile, for DevTools' Memory tab)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { httpTarget } from './cases/handshakes.ts';
import { longPollHandshake } from './clients/http-handshake.ts';
import { FULL_RUN } from './config.ts';
import { aggregate, byLayer, type AllocationRow, type SamplingHeapProfileNode } from './lib/allocation-profile.ts';
import { connectInspector, type InspectorClient } from './lib/inspector-client.ts';
import { openLoop } from './lib/load.ts';
import { pinSelfToCore } from './lib/proc-stats.ts';
import { freePort, startServer, type ServerSpec } from './lib/server-process.ts';
import * as systems from './systems.ts';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '3' },
    interval: { type: 'string', default: '1024' },
    top: { type: 'string', default: '25' },
    'signal-only': { type: 'boolean', default: false },
    'signal-flags': { type: 'string', default: '' },
    keep: { type: 'string' },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const top = Number(args.top);
const WARMUP_SECONDS = 2;

pinSelfToCore(systems.LOADGEN_CORE);

/**
 * What a profile keeps: every allocation; what no young collection freed (what scavenges copy and
 * promote, but also young garbage that an old-generation collection during the run swept up with
 * the rest: an upper bound); what is still alive after a full collection.
 */
const MODES = {
  allocated: { title: 'allocated (collected objects included)', minor: true, major: true },
  survived: { title: 'not freed by a young collection (an upper bound of what they copied and promoted)', minor: false, major: true },
  kept: { title: 'kept alive after a full collection', minor: false, major: false },
} as const;
type Mode = keyof typeof MODES;

/**
 * Short-lived garbage made in the server after a run, so that young collections sort what the run
 * left in the young generation (its own arrays die young and leave the profile).
 */
const CHURN = 'for (let i = 0; i < 2e6; i += 1) globalThis.__churn = new Array(8); delete globalThis.__churn;';

/** Runs `rate`/s handshakes for `seconds` under the sampling profiler; the profile and how many completed. */
async function sampled(inspector: InspectorClient, run: () => Promise<number>, mode: Mode, keepAs: string): Promise<{ head: SamplingHeapProfileNode; handshakes: number }> {
  await inspector.send('HeapProfiler.collectGarbage');
  await inspector.send('HeapProfiler.startSampling', {
    samplingInterval: Number(args.interval),
    includeObjectsCollectedByMinorGC: MODES[mode].minor,
    includeObjectsCollectedByMajorGC: MODES[mode].major,
  });
  const handshakes = await run();
  if (mode === 'survived') await inspector.send('Runtime.evaluate', { expression: CHURN });
  if (mode === 'kept') await inspector.send('HeapProfiler.collectGarbage');
  const { profile } = await inspector.send<{ profile: { head: SamplingHeapProfileNode } }>('HeapProfiler.stopSampling');
  if (args.keep !== undefined) writeFileSync(join(args.keep, `${keepAs}-${mode}.heapprofile`), JSON.stringify(profile));
  return { head: profile.head, handshakes };
}

function table(title: string, rows: AllocationRow[], total: number, handshakes: number): string {
  const kb = (bytes: number) => (bytes / handshakes / 1024).toFixed(2);
  const shown = rows.slice(0, top);
  return [
    `| ${title} | KB per handshake | share |`,
    '| --- | ---: | ---: |',
    ...shown.map((row) => `| ${row.name.replaceAll('|', '\\|')} | ${kb(row.bytes)} | ${((100 * row.bytes) / total).toFixed(1)} % |`),
    `| everything else | ${kb(rows.slice(top).reduce((sum, row) => sum + row.bytes, 0))} | |`,
    `| **total** | **${kb(total)}** | |`,
  ].join('\n');
}

async function probe(spec: Omit<ServerSpec, 'core'>, login: systems.Login): Promise<void> {
  const inspectPort = await freePort();
  const server = await startServer({ ...spec, args: [`--inspect=127.0.0.1:${inspectPort}`, ...spec.args], core: systems.SERVER_CORE });
  try {
    const target = await httpTarget(server, 'long-poll', login, (api) => longPollHandshake(api, FULL_RUN.longPollWaitSeconds), FULL_RUN, false);
    const run = (duration: number) => async () => {
      const round = await openLoop({ ratePerSecond: rate, durationSeconds: duration, drainSeconds: FULL_RUN.drainSeconds, task: target.task });
      if (round.errors > 0) throw new Error(`${round.errors} handshakes failed: ${round.firstError}`);
      return round.completed;
    };
    await run(WARMUP_SECONDS)();
    const inspector = await connectInspector(inspectPort);
    try {
      const file = server.name.replaceAll(/\W+/g, '-');
      const profiles: [Mode, { head: SamplingHeapProfileNode; handshakes: number }][] = [];
      for (const mode of Object.keys(MODES) as Mode[]) profiles.push([mode, await sampled(inspector, run(seconds), mode, file)]);
      const out = [`\n### ${server.name}: ${profiles[0]![1].handshakes} handshakes at ${rate}/s per profile, sampled every ${args.interval} bytes`];
      for (const [mode, { head, handshakes }] of profiles) {
        const what = MODES[mode].title;
        const { modules, functions, callers, total } = aggregate(head);
        out.push(
          '',
          `#### ${what}: ${(total / handshakes / 1024).toFixed(1)} KB per handshake`,
          '',
          table('layer', byLayer(callers), total, handshakes),
          '',
          table('innermost repository file on the stack', callers, total, handshakes),
          '',
          table('module', modules, total, handshakes),
          '',
          table('function', functions, total, handshakes),
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      inspector.close();
      await target.close();
    }
  } finally {
    await server.stop();
  }
}

const secret = systems.newJwtSecret();
const signal = systems.signalSpec(secret);
const extra = args['signal-flags'].split(' ').filter(Boolean);
await probe({ ...signal, args: [...extra, ...signal.args] }, systems.signalLogin(secret));
if (!args['signal-only']) await probe(systems.FLOOR, systems.floorLogin);
