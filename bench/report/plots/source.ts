/** How a chart names the systems and the run its data came from, the same way on every chart. */
import { COLOURS, type Marker } from '../svg/palette.ts';
import { SYSTEM } from '../targets.ts';

export interface SystemStyle {
  name: string;
  colour: string;
  marker: Marker;
}

/** One colour and marker per system across every chart, so that a reader learns them once. */
const STYLES: Record<string, SystemStyle> = {
  [SYSTEM.signal]: { name: 'Signal', colour: COLOURS.blue, marker: 'circle' },
  [SYSTEM.floor]: { name: 'protocol floor (raw node:http)', colour: COLOURS.green, marker: 'square' },
  [SYSTEM.peerjs]: { name: 'PeerJS', colour: COLOURS.orange, marker: 'triangle' },
  [SYSTEM.express]: { name: 'Express 5 hello', colour: COLOURS.vermillion, marker: 'diamond' },
  [SYSTEM.raw]: { name: 'node:http hello', colour: COLOURS.purple, marker: 'diamond' },
};

/** Signal first, then its baselines, the same on every chart. */
export function bySystem(a: string, b: string): number {
  const rank = (system: string) => {
    const index = Object.keys(STYLES).indexOf(system);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  return rank(a) - rank(b);
}

export function styleOf(system: string): SystemStyle {
  return STYLES[system] ?? { name: system, colour: COLOURS.grey, marker: 'circle' };
}

/** Where a chart's data came from; the same facts head the chart and the docs' list of plots. */
export interface DataSource {
  startedAt: string;
  /** As a reader would type it. */
  command: string;
  revision?: string;
  node?: string;
}

/** `2026-12-05T09:04:11.123Z` as `2026-12-05 09:04 UTC`. */
export function when(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match === null ? iso : `${match[1]} ${match[2]} UTC`;
}

/**
 * The results file records how the process was started; readers run it through npm, and a
 * `--compare` folder is a path on the machine that ran it.
 */
export function asNpmCommand(command: string): string {
  return command
    .replace(/^node bench\/run\.ts\b/, 'npm run bench --')
    .replace(/ --$/, '')
    .replace(/--compare=\S+/, '--compare=<checkout>');
}

export function sourceNote(source: DataSource): string {
  const build = [source.revision === undefined ? '' : `revision ${source.revision}`, source.node === undefined ? '' : `Node ${source.node}`].filter(Boolean).join(', ');
  return `${when(source.startedAt)}: ${source.command}${build === '' ? '' : ` (${build})`}`;
}
