import { bottomAxis, DASH, HALO, header, INK, legend, svgDocument, TEXT_SIZE, type AxisSpec, type LegendEntry, type PlotArea } from './frame.ts';
import { element, textWidth } from './markup.ts';
import { pathThrough } from './palette.ts';
import { linearScale } from './scale.ts';

export interface Bar {
  label: string;
  value: number;
  colour: string;
  /** Written after the bar's end, e.g. its value and ratio. */
  note?: string;
}

/** A value marked across every bar, e.g. a baseline or a target. */
export interface Reference {
  value: number;
  label: string;
}

export interface BarChart {
  title: string;
  notes: string[];
  value: AxisSpec;
  bars: Bar[];
  /** Which colour is which system. */
  legend?: LegendEntry[];
  references?: Reference[];
  width?: number;
}

const MARGIN = 16;
const ROW = 28;
const BAR = 18;
const REFERENCE_LABEL_HEIGHT = 15;

/** Horizontal bars, one per row, labelled on the left, with reference lines and a legend. */
export function barChart(chart: BarChart): string {
  const width = chart.width ?? 760;
  const references = chart.references ?? [];
  const bars = chart.bars.filter((bar) => Number.isFinite(bar.value));
  const top = header(chart.title, chart.notes, MARGIN, width - 2 * MARGIN);
  const key = legend(chart.legend ?? [], MARGIN, top.bottom, width - 2 * MARGIN);
  const plotTop = key.bottom + 10 + references.length * REFERENCE_LABEL_HEIGHT;
  const labelWidth = Math.max(0, ...bars.map((bar) => textWidth(bar.label, TEXT_SIZE)));
  const noteWidth = Math.max(0, ...bars.map((bar) => textWidth(bar.note ?? '', TEXT_SIZE)));
  const plot: PlotArea = {
    left: MARGIN + labelWidth + 10,
    top: plotTop,
    right: width - MARGIN - noteWidth - 8,
    bottom: plotTop + bars.length * ROW + 6,
  };
  const height = plot.bottom + 52;
  const x = linearScale([...bars.map((bar) => bar.value), ...references.map((reference) => reference.value)], plot.left, plot.right, chart.value.ticks === undefined ? {} : { ticks: chart.value.ticks });
  const rows = bars.flatMap((bar, i) => {
    const middle = plot.top + 6 + i * ROW + ROW / 2;
    const end = x.at(bar.value);
    return [
      element('text', { x: plot.left - 10, y: middle + 4, 'text-anchor': 'end', fill: INK }, bar.label),
      element('rect', { x: plot.left, y: middle - BAR / 2, width: Math.max(0, end - plot.left), height: BAR, fill: bar.colour }),
      ...(bar.note === undefined ? [] : [element('text', { x: end + 6, y: middle + 4, fill: INK, ...HALO }, bar.note)]),
    ];
  });
  const lines = references.flatMap((reference, i) => {
    const at = x.at(reference.value);
    const labelY = plot.top - 6 - (references.length - 1 - i) * REFERENCE_LABEL_HEIGHT;
    // Right of the line, or left of it where it would run off the chart.
    const fits = at + 4 + textWidth(reference.label, TEXT_SIZE - 1) <= width - MARGIN;
    return [
      element('path', { d: pathThrough([[at, labelY + 3], [at, plot.bottom]]), stroke: INK, 'stroke-width': 1.5, 'stroke-dasharray': DASH }),
      element('text', { x: fits ? at + 4 : at - 4, y: labelY, 'text-anchor': fits ? undefined : 'end', fill: INK, 'font-size': TEXT_SIZE - 1 }, reference.label),
    ];
  });
  // Lines first: the bars and their figures are drawn over them.
  return svgDocument(width, height, chart.title, chart.notes, [...top.svg, ...key.svg, ...bottomAxis(x, plot, chart.value), ...lines, ...rows]);
}
