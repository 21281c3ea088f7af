import type { BenchResults, HandshakeResult } from './results.ts';
import { NOISY_OTHER_CPU_PERCENT, SYSTEM, type TargetCheck } from './targets.ts';

const num = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** Which side ran out of CPU: a figure is the server's limit only when the load generator was not. */
function bottleneck(serverCpuPercent: number, loadgenCpuPercent: number): string {
  const busy = (percent: number) => percent >= 85;
  if (busy(serverCpuPercent) && busy(loadgenCpuPercent)) return 'both';
  if (busy(serverCpuPercent)) return 'server';
  return busy(loadgenCpuPercent) ? 'loadgen' : '-';
}

export const verdict = (check: TargetCheck) => `${check.pass === null ? 'INFO' : check.pass ? 'PASS' : 'FAIL'}${check.noisy ? ' (noisy)' : ''}`;

function routesTable(results: BenchResults): string {
  const base = (system: string) => results.routes.find((r) => r.system === system)?.median.requestsPerSecond ?? Number.NaN;
  const express = base(SYSTEM.express);
  const raw = base(SYSTEM.raw);
  const shaped = (shape: string | undefined) =>
    results.routes.find((r) => r.system === SYSTEM.express && r.route === shape)?.median.requestsPerSecond ?? Number.NaN;
  return table(
    ['system', 'route', 'req/s', 'x Express hello', 'x same-shaped Express hello', 'x node:http hello', 'p50 ms', 'p99 ms', 'failures', 'server CPU %', 'loadgen CPU %', 'other CPU %', 'CPU-bound'],
    results.routes.map((r) => [
      r.system,
      r.route,
      num(r.median.requestsPerSecond),
      num(r.median.requestsPerSecond / express, 2),
      r.shape === undefined ? '-' : num(r.median.requestsPerSecond / shaped(r.shape), 2),
      num(r.median.requestsPerSecond / raw, 2),
      num(r.median.p50Ms, 1),
      num(r.median.p99Ms, 1),
      num(r.median.failures),
      num(r.median.serverCpuPercent),
      num(r.median.loadgenCpuPercent),
      num(r.median.otherCpuPercent),
      bottleneck(r.median.serverCpuPercent, r.median.loadgenCpuPercent),
    ]),
  );
}

function handshakesTable(results: BenchResults): string {
  const floorAt = (h: HandshakeResult) =>
    results.handshakes.find((f) => f.system === SYSTEM.floor && f.load === h.load)?.median.p99Ms ?? Number.NaN;
  return table(
    ['system', 'client', 'offered /s', 'achieved /s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'server CPU us/handshake', 'server CPU %', 'loadgen CPU %', 'other CPU %', 'CPU-bound', 'loadgen lag p99 ms', 'p99 x floor'],
    results.handshakes.map((h) => [
      h.system,
      h.mode,
      h.load === 'saturation' ? 'saturation' : h.load,
      num(h.median.handshakesPerSecond),
      num(h.median.p50Ms, 2),
      num(h.median.p99Ms, 2),
      num(h.median.maxMs, 1),
      num(h.median.errors),
      num(h.median.cpuMicrosPerHandshake),
      num(h.median.serverCpuPercent),
      num(h.median.loadgenCpuPercent),
      num(h.median.otherCpuPercent),
      bottleneck(h.median.serverCpuPercent, h.median.loadgenCpuPercent),
      num(h.median.loadgenLagP99Ms, 1),
      num(h.median.p99Ms / floorAt(h), 2),
    ]),
  );
}

function storeOpsTable(results: BenchResults): string {
  const rows = results.handshakes
    .filter((h) => h.storeOpsPerHandshake !== undefined)
    .map((h) => [
      h.mode,
      h.load,
      Object.entries(h.storeOpsPerHandshake ?? {})
        .map(([key, count]) => `${key} ${count.toFixed(2)}`)
        .join(', '),
    ]);
  return table(['client', 'offered /s', 'store operations per handshake (store.op.outcome)'], rows);
}

function idleTable(results: BenchResults): string {
  return table(
    ['system', 'held', 'count', 'RSS delta MB', 'KB per held', 'store reads while waiting'],
    results.idle.map((i) => [
      i.system,
      i.unit,
      num(i.median.holds),
      num(i.median.rssDeltaBytes / 2 ** 20, 1),
      num(i.median.bytesPerHold / 1024, 2),
      num(i.median.storeReadsWhileWaiting),
    ]),
  );
}

export function renderMarkdown(results: BenchResults, targets: TargetCheck[]): string {
  const config = results.config;
  const sections = [
    `# Signal bench, ${results.startedAt}`,
    `Command: \`${results.command}\` (${num(results.durationSeconds)} s). ` +
      `Server pinned to core 0 with taskset, load generator on core 1; each case ${String(config.rounds)} rounds after a warm-up, median round reported. ` +
      `"other CPU %" is what the rest of the machine used during a round (of 200 for two cores); a target compared on rows above ${NOISY_OTHER_CPU_PERCENT} is marked (noisy).`,
    table(['', ''], Object.entries(results.environment).map(([key, value]) => [key, value])),
    '## Targets',
    table(['target', 'measured', 'ratio', 'result'], targets.map((t) => [t.target, t.measured, num(t.ratio, 2), verdict(t)])),
    `## Per-request throughput (autocannon, ${String(config.routeConnections)} connections, ${String(config.routeSeconds)} s rounds)`,
    routesTable(results),
    `## Handshakes (POST offer, GET offer, POST answer, GET answer; open-loop arrivals for ${String(config.handshakeSeconds)} s, saturation = ${String(config.saturationConcurrency)} closed-loop clients)`,
    'Latency runs from the moment a handshake was due to the caller reading the answer.',
    handshakesTable(results),
    '## Store operations per handshake (Signal, from /metrics)',
    storeOpsTable(results),
    '## Idle memory (server RSS growth while holding idle connections, fresh server per round)',
    idleTable(results),
  ];
  for (const profile of results.profiles) {
    sections.push(
      `## Where Signal's CPU went: ${profile.label} (${num(profile.busyMs)} ms busy, self time)`,
      table(['package', '%'], profile.byPackage.map((p) => [p.name, num(p.percent, 1)])),
      table(['function', '%'], profile.byFunction.map((f) => [f.name, num(f.percent, 1)])),
    );
  }
  if (results.skipped.length > 0) {
    sections.push('## Skipped', table(['case', 'reason'], results.skipped.map((s) => [s.case, s.reason])));
  }
  return `${sections.join('\n\n')}\n`;
}
