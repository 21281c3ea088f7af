/**
 * Draws every plot from the newest results in bench/results/ that hold its data, into docs/plots/,
 * and rewrites the list of plots in docs/performance.md from what the plot files say of their data.
 * Each plot takes its own newest run, so runs of one case at a time (`--only=routes`) combine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/repo.ts';
import { CEILING_PREFIX, isCeilingResults } from '../ceiling-results.ts';
import { latestResults } from '../results-files.ts';
import type { BenchResults } from '../results.ts';
import { unescapeXml } from '../svg/markup.ts';
import { handshakeLatencyChart, idleMemoryChart, routeThroughputChart } from './bench-charts.ts';
import { scalingChart } from './scaling-chart.ts';

const PLOTS_DIR = join(REPO_ROOT, 'docs', 'plots');
const PERFORMANCE_DOC = join(REPO_ROOT, 'docs', 'performance.md');

interface Plot {
  file: string;
  /** The image's alternative text in the docs. */
  alt: string;
  /** The chart, or undefined when no results file holds its data. */
  draw: (resultsDir: string) => string | undefined;
}

/** `npm run bench` results: named by time stamp alone. A `--quick` run is for trying the harness, not for figures. */
const benchRun =
  (has: (results: BenchResults) => boolean) =>
  (value: unknown): value is BenchResults => {
    const results = value as Partial<BenchResults>;
    return Array.isArray(results.handshakes) && Array.isArray(results.routes) && Array.isArray(results.idle) && !String(results.command).includes('--quick') && has(value as BenchResults);
  };
const BENCH_NAME = /^\d/;
const fromBench = (has: (results: BenchResults) => boolean, chart: (results: BenchResults) => string | undefined) => (dir: string) => {
  const results = latestResults(dir, BENCH_NAME, benchRun(has));
  return results === undefined ? undefined : chart(results);
};

const PLOTS: Plot[] = [
  { file: 'handshake-latency.svg', alt: 'Handshake p50 and p99 against offered load: Signal, the protocol floor and PeerJS', draw: fromBench((r) => r.handshakes.some((h) => typeof h.load === 'number'), handshakeLatencyChart) },
  { file: 'route-throughput.svg', alt: 'Requests per second of each Signal route against the Express 5 and node:http hello servers', draw: fromBench((r) => r.routes.length > 0, routeThroughputChart) },
  { file: 'idle-memory.svg', alt: 'KB of RSS per held connection: Signal, the protocol floor and PeerJS', draw: fromBench((r) => r.idle.length > 0, idleMemoryChart) },
  {
    file: 'replica-scaling.svg',
    alt: 'Handshakes per second against signaling replicas, with and without room affinity',
    draw: (dir) => {
      const results = latestResults(dir, new RegExp(`^${CEILING_PREFIX}`), isCeilingResults);
      return results === undefined ? undefined : scalingChart(results);
    },
  },
];

/** The first line of a plot file's <desc>: the run its data came from. */
export function sourceOf(svg: string): string | undefined {
  const desc = /<desc>([^<]*)<\/desc>/.exec(svg)?.[1];
  return desc === undefined ? undefined : unescapeXml(desc.split('\n')[0] ?? '');
}

export const BLOCK_BEGIN = '<!-- plots: written by `npm run bench:plots`, do not edit by hand -->';
export const BLOCK_END = '<!-- end of plots -->';

/** The docs' list of plots, each image followed by where its data came from. */
function plotsBlock(plots: readonly { file: string; alt: string; svg: string }[]): string {
  const entries = plots.map(({ file, alt, svg }) => `![${alt}](plots/${file})\n\nData: ${sourceOf(svg) ?? 'unknown'}.`);
  return [BLOCK_BEGIN, ...entries, BLOCK_END].join('\n\n');
}

/** Replaces the block between the markers; undefined for a document without them. */
function replaceBlock(markdown: string, block: string): string | undefined {
  const begin = markdown.indexOf(BLOCK_BEGIN);
  const end = markdown.indexOf(BLOCK_END, begin);
  if (begin < 0 || end < 0) return undefined;
  return markdown.slice(0, begin) + block + markdown.slice(end + BLOCK_END.length);
}

export interface DrawReport {
  drawn: string[];
  /** Plots without data in the results; their committed file, if any, is kept. */
  kept: string[];
  docsUpdated: boolean;
}

export function drawPlots(resultsDir: string, plotsDir = PLOTS_DIR, doc = PERFORMANCE_DOC): DrawReport {
  mkdirSync(plotsDir, { recursive: true });
  const report: DrawReport = { drawn: [], kept: [], docsUpdated: false };
  for (const plot of PLOTS) {
    const svg = plot.draw(resultsDir);
    if (svg === undefined) {
      report.kept.push(plot.file);
      continue;
    }
    writeFileSync(join(plotsDir, plot.file), svg);
    report.drawn.push(plot.file);
  }
  const present = PLOTS.filter((plot) => existsSync(join(plotsDir, plot.file))).map((plot) => ({ ...plot, svg: readFileSync(join(plotsDir, plot.file), 'utf8') }));
  if (existsSync(doc)) {
    const updated = replaceBlock(readFileSync(doc, 'utf8'), plotsBlock(present));
    if (updated !== undefined) {
      writeFileSync(doc, updated);
      report.docsUpdated = true;
    }
  }
  return report;
}

/** What a drawing did, for the terminal. */
export function describeDrawReport(report: DrawReport): string {
  return [
    ...report.drawn.map((file) => `drew docs/plots/${file}`),
    ...report.kept.map((file) => `no results for docs/plots/${file}: left as it was`),
    report.docsUpdated ? 'rewrote the list of plots in docs/performance.md' : 'docs/performance.md has no list of plots to rewrite',
  ].join('\n');
}
