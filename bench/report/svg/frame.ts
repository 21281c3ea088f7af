/** What every chart shares: the document, its title and source lines, the legend and the axes. */
import { coordinate, element, escapeXml, formatTick, textWidth } from './markup.ts';
import { marker, pathThrough, type Marker } from './palette.ts';
import type { Scale } from './scale.ts';

export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface LegendEntry {
  name: string;
  colour: string;
  marker?: Marker;
  dashed?: boolean;
  /** A filled box (bars) instead of a line sample. */
  box?: boolean;
}

export interface AxisSpec {
  /** With its unit, e.g. "handshakes/s". */
  label: string;
  /** Where ticks go; chosen from the data when absent. */
  ticks?: number[];
  format?: (value: number) => string;
}

const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';
export const INK = '#222222';
const MUTED = '#555555';
const GRID = '#E3E3E3';
export const TEXT_SIZE = 12;
const TITLE_SIZE = 17;
const LINE_HEIGHT = 16;
export const DASH = '6 4';
/** A white outline under text, so that a figure stays legible where a line runs behind it. */
export const HALO = { stroke: '#FFFFFF', 'stroke-width': 4, 'paint-order': 'stroke', 'stroke-linejoin': 'round' } as const;

/**
 * The whole document. The white background keeps the chart readable where GitHub shows images
 * on a dark page; <title> and <desc> are what screen readers announce, and <desc> keeps the data's
 * source with the file (the docs' list of plots is written from it).
 */
export function svgDocument(width: number, height: number, title: string, notes: readonly string[], body: readonly string[]): string {
  return (
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${coordinate(width)}" height="${coordinate(height)}" viewBox="0 0 ${coordinate(width)} ${coordinate(height)}" role="img" aria-label="${escapeXml(title)}" font-family="${escapeXml(FONT)}" font-size="${TEXT_SIZE}">`,
      element('title', {}, title),
      element('desc', {}, notes.join('\n')),
      element('rect', { x: 0, y: 0, width, height, fill: '#FFFFFF' }),
      ...body,
      '</svg>',
    ].join('\n') + '\n'
  );
}

/** Words of `text` in lines no wider than `maxWidth` (a longer word gets a line of its own). */
export function wrap(text: string, maxWidth: number, fontSize = TEXT_SIZE): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && textWidth(`${last} ${word}`, fontSize) <= maxWidth) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Title and the lines that say where the data came from, wrapped to `maxWidth`; returns where the next block may start. */
export function header(title: string, notes: readonly string[], left: number, maxWidth: number): { svg: string[]; bottom: number } {
  const svg = [element('text', { x: left, y: 26, 'font-size': TITLE_SIZE, 'font-weight': 'bold', fill: INK }, title)];
  const lines = notes.flatMap((note) => wrap(note, maxWidth));
  lines.forEach((line, i) => svg.push(element('text', { x: left, y: 46 + i * LINE_HEIGHT, fill: MUTED }, line)));
  return { svg, bottom: 46 + (lines.length - 1) * LINE_HEIGHT + 8 };
}

const SAMPLE_WIDTH = 26;
const ENTRY_GAP = 18;

function sample(entry: LegendEntry, x: number, y: number): string {
  if (entry.box) return element('rect', { x: x + 6, y: y - 6, width: 14, height: 12, fill: entry.colour });
  return [
    element('path', { d: pathThrough([[x, y], [x + SAMPLE_WIDTH, y]]), stroke: entry.colour, 'stroke-width': 2.5, 'stroke-dasharray': entry.dashed ? DASH : undefined }),
    marker(entry.marker ?? 'none', x + SAMPLE_WIDTH / 2, y, entry.colour, 4),
  ].join('');
}

/** Entries left to right, wrapping at `maxWidth`; returns where the next block may start. */
export function legend(entries: readonly LegendEntry[], left: number, top: number, maxWidth: number): { svg: string[]; bottom: number } {
  const svg: string[] = [];
  let [x, y] = [left, top + LINE_HEIGHT / 2];
  for (const entry of entries) {
    const width = SAMPLE_WIDTH + 6 + textWidth(entry.name, TEXT_SIZE);
    if (x > left && x + width > left + maxWidth) [x, y] = [left, y + LINE_HEIGHT + 4];
    svg.push(sample(entry, x, y), element('text', { x: x + SAMPLE_WIDTH + 6, y: y + 4, fill: INK }, entry.name));
    x += width + ENTRY_GAP;
  }
  return { svg, bottom: entries.length === 0 ? top : y + LINE_HEIGHT / 2 + 4 };
}

/** Width taken by the widest tick label of a vertical axis, so the plot starts right of it. */
export function tickLabelWidth(scale: Scale, format: (value: number) => string = formatTick): number {
  return Math.max(0, ...scale.ticks.map((tick) => textWidth(format(tick), TEXT_SIZE)));
}

/** Value axis along the bottom: grid lines up through the plot, tick labels and the axis label below. */
export function bottomAxis(scale: Scale, plot: PlotArea, axis: AxisSpec): string[] {
  const format = axis.format ?? formatTick;
  const svg = scale.ticks.flatMap((tick) => {
    const x = scale.at(tick);
    return [
      element('path', { d: pathThrough([[x, plot.top], [x, plot.bottom]]), stroke: GRID }),
      element('text', { x, y: plot.bottom + 18, 'text-anchor': 'middle', fill: INK }, format(tick)),
    ];
  });
  svg.push(
    element('path', { d: pathThrough([[plot.left, plot.bottom], [plot.right, plot.bottom]]), stroke: INK }),
    element('text', { x: (plot.left + plot.right) / 2, y: plot.bottom + 40, 'text-anchor': 'middle', fill: INK }, axis.label),
  );
  return svg;
}

/** Value axis on the left: grid lines across the plot, tick labels and the axis label turned upright. */
export function leftAxis(scale: Scale, plot: PlotArea, axis: AxisSpec, labelX: number): string[] {
  const format = axis.format ?? formatTick;
  const svg = scale.ticks.flatMap((tick) => {
    const y = scale.at(tick);
    return [
      element('path', { d: pathThrough([[plot.left, y], [plot.right, y]]), stroke: GRID }),
      element('text', { x: plot.left - 8, y: y + 4, 'text-anchor': 'end', fill: INK }, format(tick)),
    ];
  });
  const middle = (plot.top + plot.bottom) / 2;
  svg.push(
    element('path', { d: pathThrough([[plot.left, plot.top], [plot.left, plot.bottom]]), stroke: INK }),
    element('text', { x: labelX, y: middle, 'text-anchor': 'middle', transform: `rotate(-90 ${coordinate(labelX)} ${coordinate(middle)})`, fill: INK }, axis.label),
  );
  return svg;
}
