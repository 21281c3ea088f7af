/** The charts of one `npm run bench` run: handshake latency, per-route throughput, memory per held connection. */
import { formatNumber } from '../svg/markup.ts';
import { barChart, type Bar } from '../svg/bar-chart.ts';
import { lineChart, type LineSeries } from '../svg/line-chart.ts';
import type { BenchResults, HandshakeResult } from '../results.ts';
import { NOISY_OTHER_CPU_PERCENT, SYSTEM } from '../targets.ts';
import { asNpmCommand, bySystem, sourceNote, styleOf, type DataSource } from './source.ts';

/** Targets of docs/performance.md, drawn as reference lines. */
const ROUTE_TARGET_X_EXPRESS = 0.7;
const KB_PER_LONG_POLL_TARGET = 20;

function benchSource(results: BenchResults): DataSource {
  const { revision, node } = results.environment;
  return { startedAt: results.startedAt, command: asNpmCommand(results.command), ...(revision === undefined ? {} : { revision }), ...(node === undefined ? {} : { node }) };
}

const rounds = (results: BenchResults) => String(results.config.rounds ?? '?');
/** The report's own test for a row other processes disturbed. */
const noisy = (row: { median: { otherCpuPercent: number } }) => row.median.otherCpuPercent > NOISY_OTHER_CPU_PERCENT;
const NOISY_NOTE = `other processes used more than ${NOISY_OTHER_CPU_PERCENT} % of the machine (of 200) during the row, so take it as disturbed`;

/** Polling clients wait a second by design: on the same axis they would flatten every other line. */
const charted = (h: HandshakeResult): h is HandshakeResult & { load: number } => typeof h.load === 'number' && h.mode !== 'polling 1 s';

/** p50 and p99 of a handshake against offered load, one colour per system; undefined without such rows. */
export function handshakeLatencyChart(results: BenchResults): string | undefined {
  const rows = results.handshakes.filter(charted);
  if (rows.length === 0) return undefined;
  const systems = [...new Set(rows.map((row) => row.system))].sort(bySystem);
  const loads = [...new Set(rows.map((row) => row.load))].sort((a, b) => a - b);
  // A closed-loop rate has no offered load to sit at on the x axis: it is given in the notes.
  const saturation = results.handshakes
    .filter((row) => row.load === 'saturation' && systems.includes(row.system))
    .sort((a, b) => bySystem(a.system, b.system))
    .map((row) => `${styleOf(row.system).name} ${formatNumber(row.median.handshakesPerSecond)}/s${noisy(row) ? ' (noisy)' : ''}`);
  const series = systems.flatMap((system): LineSeries[] => {
    const style = styleOf(system);
    const own = rows.filter((row) => row.system === system).sort((a, b) => a.load - b.load);
    return [
      { name: `${style.name} p99`, colour: style.colour, marker: style.marker, points: own.map((row) => ({ x: row.load, y: row.median.p99Ms, hollow: noisy(row) })) },
      { name: `${style.name} p50`, colour: style.colour, marker: style.marker, dashed: true, points: own.map((row) => ({ x: row.load, y: row.median.p50Ms, hollow: noisy(row) })) },
    ];
  });
  return lineChart({
    title: 'Handshake latency against offered load',
    notes: [
      sourceNote(benchSource(results)),
      `Open-loop arrivals, median of ${rounds(results)} rounds; Signal and the floor: 4 HTTP requests with long-poll; PeerJS: 2 WebSocket messages.`,
      ...(saturation.length > 0 ? [`At saturation (${String(results.config.saturationConcurrency ?? '?')} closed-loop clients): ${saturation.join(', ')}.`] : []),
      ...(rows.some(noisy) ? [`Hollow markers: ${NOISY_NOTE}.`] : []),
    ],
    x: { label: 'offered load (handshakes/s)', ticks: loads },
    y: { label: 'latency, due to answer read (ms, log scale)', log: true },
    series,
  });
}

/** Requests/s of each Signal route beside the two hello servers; undefined without an Express hello row. */
export function routeThroughputChart(results: BenchResults): string | undefined {
  const express = results.routes.find((route) => route.system === SYSTEM.express)?.median.requestsPerSecond;
  if (express === undefined || results.routes.length === 0) return undefined;
  // The baselines first, so that every Signal bar is read against them. A Signal from another
  // checkout (`--compare`) is a developer's before-and-after, not a figure of this revision.
  const rank = (system: string) => ([SYSTEM.raw, SYSTEM.express, SYSTEM.signal] as string[]).indexOf(system);
  const routes = results.routes.filter((route) => rank(route.system) >= 0).sort((a, b) => rank(a.system) - rank(b.system));
  const bars: Bar[] = routes.map((route) => {
    const rate = route.median.requestsPerSecond;
    const baseline = route.system !== SYSTEM.signal;
    return {
      label: baseline ? `${styleOf(route.system).name}: ${route.route}` : route.route,
      value: rate,
      colour: styleOf(route.system).colour,
      note: `${formatNumber(rate)}/s · ${(rate / express).toFixed(2)}×${noisy(route) ? ' (noisy)' : ''}`,
    };
  });
  const systems = [...new Set(routes.map((route) => route.system))].sort(bySystem);
  return barChart({
    title: 'Requests per second by route, against hello servers',
    notes: [
      sourceNote(benchSource(results)),
      `autocannon, ${String(results.config.routeConnections ?? '?')} keep-alive connections, median of ${rounds(results)} rounds; × is the ratio to the Express 5 hello.`,
      ...(routes.some(noisy) ? [`(noisy): ${NOISY_NOTE}.`] : []),
    ],
    value: { label: 'requests/s (server on one core)', format: (value) => formatNumber(value) },
    bars,
    legend: systems.map((system) => ({ ...styleOf(system), box: true })),
    references: [{ value: express * ROUTE_TARGET_X_EXPRESS, label: `target: ${ROUTE_TARGET_X_EXPRESS}× Express hello` }],
  });
}

/** RSS growth per held connection, one bar per system; undefined without idle rows. */
export function idleMemoryChart(results: BenchResults): string | undefined {
  if (results.idle.length === 0) return undefined;
  const bars: Bar[] = [...results.idle].sort((a, b) => bySystem(a.system, b.system)).map((idle) => {
    const kb = idle.median.bytesPerHold / 1024;
    return { label: `${styleOf(idle.system).name}: ${idle.unit}`, value: kb, colour: styleOf(idle.system).colour, note: `${kb.toFixed(1)} KB` };
  });
  const held = results.idle[0]?.median.holds ?? Number.NaN;
  return barChart({
    title: 'Memory per held connection',
    notes: [
      sourceNote(benchSource(results)),
      `Server RSS growth while holding ${formatNumber(held)} idle connections, divided by their number; a fresh server per round, median of ${rounds(results)} rounds.`,
    ],
    value: { label: 'KB of RSS per held connection' },
    bars,
    references: results.idle.some((idle) => idle.system === SYSTEM.signal) ? [{ value: KB_PER_LONG_POLL_TARGET, label: `target: ${KB_PER_LONG_POLL_TARGET} KB per waiting long-poll` }] : [],
  });
}
