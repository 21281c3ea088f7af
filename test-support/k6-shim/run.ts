// Runs a k6 script under Node without k6: one iteration of each scenario's exec function against
// a real server, after checking what k6 would check at start-up. Exits non-zero on any scenario
// problem, exception, failed check or threshold; prints a JSON summary line for tests.
//   npm run loadtest -- handshake-longpoll.ts [--base URL]   (test-support/k6-shim/loadtest.ts; the script's -e values as env)
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { closeHttp } from './http.ts';
import { runtime } from './runtime.ts';
import { checkScenarios } from './scenarios.ts';
import { SUMMARY_PREFIX, type ShimSummary } from './summary.ts';
import { judgeThresholds, NO_SAMPLE } from './thresholds.ts';

const SHIMMED: Record<string, string> = {
  k6: './k6.ts',
  'k6/http': './http.ts',
  'k6/metrics': './metrics.ts',
  'k6/execution': './execution.ts',
  'k6/timers': './timers.ts',
  'k6/crypto': './crypto.ts',
};

registerHooks({
  resolve(specifier, context, nextResolve) {
    const shim = SHIMMED[specifier];
    if (shim !== undefined) return { url: new URL(shim, import.meta.url).href, shortCircuit: true };
    if (specifier === 'k6' || specifier.startsWith('k6/')) throw new Error(`the k6 shim does not implement ${specifier}`);
    return nextResolve(specifier, context);
  },
});

const scriptArg = process.argv[2];
if (scriptArg === undefined) throw new Error('usage: run.ts <k6 script>');
const script = resolve(scriptArg);
runtime.scriptDir = dirname(script);
Object.assign(globalThis, {
  __ENV: { ...process.env },
  open: (path: string, mode?: 'b') => {
    const data = readFileSync(resolve(runtime.scriptDir, path));
    return mode === 'b' ? Uint8Array.from(data).buffer : data.toString('utf8');
  },
});
Object.defineProperty(globalThis, '__VU', { get: () => runtime.vu });
Object.defineProperty(globalThis, '__ITER', { get: () => runtime.iteration });

interface ScriptModule {
  options?: { scenarios?: Record<string, Record<string, unknown>>; thresholds?: Record<string, (string | { threshold: string })[]> };
  setup?: () => unknown;
  teardown?: (data: unknown) => unknown;
  [name: string]: unknown;
}

const errors: string[] = [];
const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
const started = performance.now();
const mod = (await import(pathToFileURL(script).href)) as ScriptModule;
runtime.inInit = false;

const scenarios = mod.options?.scenarios ?? { default: { executor: 'per-vu-iterations', exec: 'default' } };
const { plans, problems } = checkScenarios(scenarios, mod);
const ran: { scenario: string; exec: string; ok: boolean; ms: number }[] = [];
if (problems.length === 0) {
  const data = await mod.setup?.();
  for (const plan of plans) {
    runtime.vu = 1;
    runtime.iteration = 0;
    runtime.scenario = { name: plan.name, executor: plan.executor, startTime: Date.now() };
    const begin = performance.now();
    let ok = true;
    try {
      await (mod[plan.exec] as (data: unknown) => unknown)(data);
    } catch (error) {
      ok = false;
      errors.push(`${plan.name}: ${describe(error)}`);
    }
    const ms = performance.now() - begin;
    runtime.add('iterations', 1);
    runtime.add('iteration_duration', ms);
    ran.push({ scenario: plan.name, exec: plan.exec, ok, ms });
  }
  runtime.vu = 0;
  await mod.teardown?.(data);
}
await closeHttp();

const thresholds = judgeThresholds(mod.options?.thresholds ?? {}, runtime.metrics, runtime.samples, (performance.now() - started) / 1000);
const checks = [...runtime.checks].map(([name, tally]) => ({ name, ...tally }));
const passed = problems.length === 0 && errors.length === 0 && checks.every((c) => c.fails === 0) && thresholds.every((t) => t.ok);

const notes = [...runtime.notes];
for (const note of notes) process.stderr.write(`note: ${note}\n`);
for (const problem of problems) process.stderr.write(`scenario problem: ${problem}\n`);
for (const error of errors) process.stderr.write(`iteration error: ${error}\n`);
for (const c of checks) process.stderr.write(`${c.fails === 0 ? 'ok  ' : 'FAIL'} check ${c.name} (${c.passes} passed, ${c.fails} failed${c.failure ? `; last: ${c.failure}` : ''})\n`);
// A failed check usually ends its iteration early, leaving later endpoints' thresholds without
// samples: one line says so instead of a line each that would bury the failure above.
const stoppedEarly = errors.length > 0 || checks.some((c) => c.fails > 0);
const unsampled = thresholds.filter((t) => stoppedEarly && t.problem?.startsWith(NO_SAMPLE));
for (const t of thresholds.filter((one) => !unsampled.includes(one))) {
  process.stderr.write(`${t.ok ? 'ok  ' : 'FAIL'} threshold ${t.key} ${t.expression}${t.problem ? `: ${t.problem}` : ` = ${t.value.toFixed(2)}`}\n`);
}
if (unsampled.length > 0) process.stderr.write(`FAIL ${unsampled.length} thresholds not judged: no samples, as the iterations stopped at the failures above\n`);
const summary: ShimSummary = { passed, problems, errors, scenarios: ran, checks, thresholds, notes };
process.stdout.write(`${SUMMARY_PREFIX}${JSON.stringify(summary)}\n`);
process.exitCode = passed ? 0 : 1;
