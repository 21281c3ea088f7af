import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CeilingResults, CeilingRow } from '../report/ceiling-results.ts';
import { handshakeLatencyChart, idleMemoryChart, routeThroughputChart } from '../report/plots/bench-charts.ts';
import { BLOCK_BEGIN, BLOCK_END, drawPlots, sourceOf } from '../report/plots/draw.ts';
import { scalingChart } from '../report/plots/scaling-chart.ts';
import type { BenchResults, HandshakeResult, HandshakeRound, IdleResult, RouteResult, RouteRound } from '../report/results.ts';
import { handshakeRound } from './bench-results-fixtures.ts';

const handshake = (system: string, mode: HandshakeResult['mode'], load: HandshakeResult['load'], median: HandshakeRound): HandshakeResult => ({ system, mode, load, rounds: [median], median });
const routeRound = (requestsPerSecond: number, otherCpuPercent = 0): RouteRound => ({ requestsPerSecond, p50Ms: 1, p99Ms: 2, failures: 0, serverCpuPercent: 100, loadgenCpuPercent: 50, otherCpuPercent });
const route = (system: string, name: string, median: RouteRound): RouteResult => ({ system, route: name, rounds: [median], median });
const idle = (system: string, unit: string, kb: number): IdleResult => {
  const median = { holds: 10000, rssDeltaBytes: kb * 1024 * 10000, bytesPerHold: kb * 1024, storeReadsWhileWaiting: 0 };
  return { system, unit, rounds: [median], median };
};

function results(parts: Partial<BenchResults>, startedAt = '2026-12-05T09:04:20.123Z', command = 'node bench/run.ts --only=handshakes'): BenchResults {
  return {
    startedAt,
    durationSeconds: 1,
    command,
    environment: { revision: 'abc1234', node: 'v24.21.0' },
    config: { rounds: 3, routeConnections: 50, saturationConcurrency: 64 },
    routes: [],
    handshakes: [],
    idle: [],
    skipped: [],
    profiles: [],
    ...parts,
  };
}

const HANDSHAKES = results({
  handshakes: [
    handshake('protocol floor', 'long-poll', 200, handshakeRound(1.5, 6.8)),
    handshake('protocol floor', 'long-poll', 'saturation', handshakeRound(10, 33)),
    handshake('Signal all-in-one', 'long-poll', 200, handshakeRound(1.8, 15.9, 40)),
    handshake('Signal all-in-one', 'long-poll', 500, handshakeRound(2.3, 19.3)),
    handshake('Signal all-in-one', 'polling 1 s', 200, handshakeRound(1003, 1018)),
    handshake('PeerJS server', 'websocket', 200, handshakeRound(1.1, 4.2)),
  ],
});

const ROUTES = results(
  {
    routes: [
      route('Signal all-in-one', 'GET /login', routeRound(8916)),
      route('node:http hello', 'GET /', routeRound(41616)),
      route('Express 5 hello', 'GET /hello', routeRound(23834)),
      route('Signal all-in-one', 'POST /offer', routeRound(9059, 30)),
    ],
  },
  '2026-12-05T09:10:00.000Z',
  'node bench/run.ts --only=routes',
);

const IDLE = results(
  { idle: [idle('protocol floor', 'waiting long-polls', 16.52), idle('Signal all-in-one', 'waiting long-polls', 29.21), idle('PeerJS server', 'connected peers', 11.27)] },
  '2026-12-05T09:20:00.000Z',
  'node bench/run.ts --only=idle',
);

const textOf = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);

describe('handshake latency chart', () => {
  test('draws p50 and p99 per system at each offered load, without polling or saturation rows', () => {
    const svg = handshakeLatencyChart(HANDSHAKES)!;
    const legend = textOf(svg).filter((text) => / p(50|99)$/.test(text ?? ''));
    expect(legend).toEqual(['Signal p99', 'Signal p50', 'protocol floor (raw node:http) p99', 'protocol floor (raw node:http) p50', 'PeerJS p99', 'PeerJS p50']);
    expect(textOf(svg)).toEqual(expect.arrayContaining(['200', '500']));
    expect(textOf(svg)).not.toContain('1,000');
    expect(svg).toContain('2026-12-05 09:04 UTC: npm run bench -- --only=handshakes (revision abc1234, Node v24.21.0)');
    expect(svg).not.toContain('polling');
    expect(svg).toContain('At saturation (64 closed-loop clients): protocol floor (raw node:http) 200/s.');
  });

  test('a row other processes disturbed is drawn hollow, and the notes say what that means', () => {
    const svg = handshakeLatencyChart(HANDSHAKES)!;
    expect(svg.match(/<circle[^>]*r="4.5" fill="#FFFFFF"/g)).toHaveLength(2);
    expect(svg).toContain('Hollow markers');
    const quiet = handshakeLatencyChart(results({ handshakes: HANDSHAKES.handshakes.filter((h) => h.median.otherCpuPercent === 0) }))!;
    expect(quiet).not.toContain('Hollow markers');
  });

  test('no chart without handshake rows at a fixed load', () => {
    expect(handshakeLatencyChart(results({ handshakes: [handshake('protocol floor', 'long-poll', 'saturation', handshakeRound(10, 33))] }))).toBeUndefined();
  });
});

describe('route throughput chart', () => {
  test('puts the hello baselines first and labels each bar with its rate and ratio to Express', () => {
    const svg = routeThroughputChart(ROUTES)!;
    const labels = textOf(svg);
    expect(labels.indexOf('node:http hello: GET /')).toBeLessThan(labels.indexOf('Express 5 hello: GET /hello'));
    expect(labels.indexOf('Express 5 hello: GET /hello')).toBeLessThan(labels.indexOf('GET /login'));
    expect(labels).toEqual(expect.arrayContaining(['8,916/s · 0.37×', '23,834/s · 1.00×', '9,059/s · 0.38× (noisy)', 'target: 0.7× Express hello']));
  });

  test('draws no Signal from a compared checkout, and names no folder of the machine that ran it', () => {
    const compared = route('Signal all-in-one (wt-base)', 'GET /login', routeRound(7000));
    const svg = routeThroughputChart(results({ routes: [...ROUTES.routes, compared] }, undefined, 'node bench/run.ts --only=routes --compare=/work/wt-base --rounds=5'))!;
    expect(svg).not.toContain('wt-base');
    expect(svg).not.toContain('7,000/s');
    expect(svg).toContain('npm run bench -- --only=routes --compare=&lt;checkout&gt; --rounds=5');
  });

  test('no chart without an Express hello to compare with', () => {
    expect(routeThroughputChart(results({ routes: ROUTES.routes.filter((r) => r.system !== 'Express 5 hello') }))).toBeUndefined();
  });
});

test('idle memory chart: KB per held connection, Signal first, with the target', () => {
  const labels = textOf(idleMemoryChart(IDLE)!);
  expect(labels).toEqual(expect.arrayContaining(['29.2 KB', '16.5 KB', '11.3 KB', 'target: 20 KB per waiting long-poll']));
  expect(labels.indexOf('Signal: waiting long-polls')).toBeLessThan(labels.indexOf('protocol floor (raw node:http): waiting long-polls'));
  expect(idleMemoryChart(results({}))).toBeUndefined();
});

const row = (replicas: number, routing: CeilingRow['routing'], round: number, handshakesPerSecond: number, quota = 0.95): CeilingRow => ({
  replicas,
  routing,
  round,
  handshakesPerSecond,
  replicaUse: Array.from({ length: replicas }, () => ({ quota })),
});

const CEILING: CeilingResults = {
  bench: 'replica-ceiling',
  startedAt: '2026-12-05T09:30:00.000Z',
  command: 'npm run bench:cluster -- replica-ceiling 250 10 2 1,2,2r,4r 64',
  environment: { revision: 'abc1234', node: 'v24.21.0' },
  millicores: 250,
  seconds: 10,
  rounds: 2,
  pairsPerReplica: 64,
  rows: [
    row(1, 'random', 1, 60),
    row(2, 'random', 1, 72),
    row(2, 'room', 1, 96),
    row(4, 'room', 1, 150, 0.6),
    row(1, 'random', 2, 80),
    row(2, 'random', 2, 100),
    row(2, 'room', 2, 140),
    row(4, 'room', 2, 240),
  ],
};

describe('scaling chart', () => {
  test('median handshakes/s per replica count for each routing, labelled with the median ratio to 1 replica of the same round', () => {
    const svg = scalingChart(CEILING)!;
    const labels = textOf(svg);
    // room: 2r 96/60 = 1.60, 140/80 = 1.75 -> 1.68; 4r 2.50, 3.00 -> 2.75; random: 1.20, 1.25 -> 1.23 (rounded half up from 1.225)
    expect(labels).toEqual(expect.arrayContaining(['room affinity', 'random spreading', 'linear: N × 1 replica', '1.68×', '2.75×']));
    expect(labels).not.toContain('1.00×');
    expect(labels.some((label) => label === '1.23×' || label === '1.22×')).toBe(true);
    expect(labels).toEqual(expect.arrayContaining(['1', '2', '4', 'signaling replicas', 'handshakes/s']));
    expect(svg).toContain('(else the machine, not the quota, was the limit): 1 2/2, 2 2/2, 2r 2/2, 4r 1/2.');
    expect(sourceOf(svg)).toBe('2026-12-05 09:30 UTC: npm run bench:cluster -- replica-ceiling 250 10 2 1,2,2r,4r 64 (revision abc1234, Node v24.21.0)');
  });

  test('a row beside a burner is its own point, never the 1-replica baseline', () => {
    const svg = scalingChart({ ...CEILING, rows: [...CEILING.rows, { ...row(1, 'random', 1, 30), burner: true }, { ...row(1, 'random', 2, 40), burner: true }] })!;
    const labels = textOf(svg);
    // 30/60 = 0.50, 40/80 = 0.50; the others as without the burner rows
    expect(labels).toEqual(expect.arrayContaining(['1 replica beside a 250m burner', '0.50×', '1.68×', '2.75×']));
    expect(svg).toContain('1b 2/2.');
  });

  test('no chart from a run without rows', () => {
    expect(scalingChart({ ...CEILING, rows: [] })).toBeUndefined();
  });
});

describe('drawing from bench/results', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plots-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, value: unknown) => writeFileSync(join(dir, name), JSON.stringify(value));
  const DOC = ['# Performance', '', '## Plots', '', BLOCK_BEGIN, 'stale', BLOCK_END, '', '## Next', ''].join('\n');

  test('each plot comes from the newest run that has its data; quick runs are not figures; the docs list is rewritten between its markers', () => {
    write('2026-12-05T09-04-20Z.json', HANDSHAKES);
    write('2026-12-05T09-10-00Z.json', ROUTES);
    write('2026-12-05T09-20-00Z.json', IDLE);
    write('2026-12-05T09-40-00Z.json', results({ handshakes: HANDSHAKES.handshakes }, '2026-12-05T09:40:00.000Z', 'node bench/run.ts --quick'));
    write('replica-ceiling-2026-12-05T09-30-00Z.json', CEILING);
    const plots = join(dir, 'plots');
    const doc = join(dir, 'performance.md');
    writeFileSync(doc, DOC);

    const report = drawPlots(dir, plots, doc);
    expect(report).toEqual({ drawn: ['handshake-latency.svg', 'route-throughput.svg', 'idle-memory.svg', 'replica-scaling.svg'], kept: [], docsUpdated: true });
    expect(sourceOf(readFileSync(join(plots, 'handshake-latency.svg'), 'utf8'))).toMatch(/^2026-12-05 09:04 UTC: npm run bench -- --only=handshakes/);
    expect(sourceOf(readFileSync(join(plots, 'route-throughput.svg'), 'utf8'))).toMatch(/^2026-12-05 09:10 UTC: npm run bench -- --only=routes/);

    const markdown = readFileSync(doc, 'utf8');
    expect(markdown).not.toContain('stale');
    expect(markdown.startsWith('# Performance\n\n## Plots\n\n')).toBe(true);
    expect(markdown.endsWith(`${BLOCK_END}\n\n## Next\n`)).toBe(true);
    expect(markdown).toContain('![Handshake p50 and p99 against offered load: Signal, the protocol floor and PeerJS](plots/handshake-latency.svg)\n\nData: 2026-12-05 09:04 UTC: npm run bench -- --only=handshakes (revision abc1234, Node v24.21.0).');
    expect(markdown).toContain('Data: 2026-12-05 09:30 UTC: npm run bench:cluster -- replica-ceiling 250 10 2 1,2,2r,4r 64 (revision abc1234, Node v24.21.0).');

    const again = drawPlots(dir, plots, doc);
    expect(again.drawn).toHaveLength(4);
    expect(readFileSync(doc, 'utf8')).toBe(markdown);
  });

  test('a plot without results keeps its committed file and its entry in the docs', () => {
    const plots = join(dir, 'plots');
    const doc = join(dir, 'performance.md');
    writeFileSync(doc, DOC);
    write('replica-ceiling-2026-12-05T09-30-00Z.json', CEILING);
    drawPlots(dir, plots, doc);
    rmSync(join(dir, 'replica-ceiling-2026-12-05T09-30-00Z.json'));
    write('2026-12-05T09-20-00Z.json', IDLE);

    const report = drawPlots(dir, plots, doc);
    expect(report.drawn).toEqual(['idle-memory.svg']);
    expect(report.kept).toEqual(['handshake-latency.svg', 'route-throughput.svg', 'replica-scaling.svg']);
    const markdown = readFileSync(doc, 'utf8');
    expect(markdown).toContain('(plots/replica-scaling.svg)');
    expect(markdown).toContain('(plots/idle-memory.svg)');
    expect(markdown).not.toContain('(plots/route-throughput.svg)');
  });

  test('a document without the markers is left alone', () => {
    const doc = join(dir, 'performance.md');
    writeFileSync(doc, '# Performance\n');
    write('2026-12-05T09-20-00Z.json', IDLE);
    expect(drawPlots(dir, join(dir, 'plots'), doc).docsUpdated).toBe(false);
    expect(readFileSync(doc, 'utf8')).toBe('# Performance\n');
  });
});
