import { bottomAxis, DASH, HALO, header, INK, leftAxis, legend, svgDocument, TEXT_SIZE, tickLabelWidth, type AxisSpec, type LegendEntry, type PlotArea } from './frame.ts';
import { element } from './markup.ts';
import { marker, pathThrough } from './palette.ts';
import { linearScale, logScale, type Scale } from './scale.ts';

export interface LinePoint {
  x: number;
  y: number;
  /** A range drawn as a whisker through the point (e.g. lowest and highest round). */
  low?: number;
  high?: number;
  /** Written beside the point. */
  label?: string;
  /** Drawn as an outline: a figure the chart's notes say not to trust as much. */
  hollow?: boolean;
}

export interface LineSeries extends LegendEntry {
  points: LinePoint[];
}

export interface LineChart {
  title: string;
  /** Lines under the title: where the data came from (date, command, conditions). */
  notes: string[];
  x: AxisSpec;
  /** `log`: a log10 axis, for series whose values differ by orders of magnitude. */
  y: AxisSpec & { log?: boolean };
  series: LineSeries[];
  width?: number;
  /** Of the plot area alone; the title, notes and legend add to it. */
  plotHeight?: number;
}

const MARGIN = 16;
/** Keeps the first and last markers off the axes. */
const INSET = 18;

const drawable = (point: LinePoint) => Number.isFinite(point.x) && Number.isFinite(point.y);

function seriesSvg(series: LineSeries, x: Scale, y: Scale): string[] {
  const points = series.points.filter(drawable);
  const svg: string[] = [];
  for (const point of points) {
    if (point.low === undefined || point.high === undefined || point.low === point.high) continue;
    const [px, top, bottom] = [x.at(point.x), y.at(point.high), y.at(point.low)];
    svg.push(
      element('path', { d: `${pathThrough([[px, top], [px, bottom]])} ${pathThrough([[px - 4, top], [px + 4, top]])} ${pathThrough([[px - 4, bottom], [px + 4, bottom]])}`, stroke: series.colour, 'stroke-width': 1.5, fill: 'none' }),
    );
  }
  if (points.length > 1) {
    svg.push(
      element('path', {
        d: pathThrough(points.map((point) => [x.at(point.x), y.at(point.y)])),
        stroke: series.colour,
        'stroke-width': 2.5,
        'stroke-dasharray': series.dashed ? DASH : undefined,
        'stroke-linejoin': 'round',
        fill: 'none',
      }),
    );
  }
  for (const point of points) {
    svg.push(marker(series.marker ?? 'none', x.at(point.x), y.at(point.y), series.colour, undefined, point.hollow));
    if (point.label !== undefined) {
      svg.push(element('text', { x: x.at(point.x), y: y.at(point.y) - 10, 'text-anchor': 'middle', fill: INK, 'font-size': TEXT_SIZE - 1, ...HALO }, point.label));
    }
  }
  return svg;
}

/** Series of (x, y) points joined by lines, with markers, optional whiskers and a legend. */
export function lineChart(chart: LineChart): string {
  const width = chart.width ?? 760;
  const top = header(chart.title, chart.notes, MARGIN, width - 2 * MARGIN);
  const key = legend(chart.series, MARGIN, top.bottom, width - 2 * MARGIN);
  const points = chart.series.flatMap((series) => series.points.filter(drawable));
  const yValues = points.flatMap((point) => [point.y, point.low ?? point.y, point.high ?? point.y]);
  const yScale = (from: number, to: number) =>
    chart.y.log ? logScale(yValues, from, to) : linearScale(yValues, from, to, chart.y.ticks === undefined ? {} : { ticks: chart.y.ticks });
  const plotTop = key.bottom + 14;
  const plotBottom = plotTop + (chart.plotHeight ?? 300);
  const height = plotBottom + 52;
  const left = MARGIN + 22 + tickLabelWidth(yScale(0, 1), chart.y.format) + 10;
  const plot: PlotArea = { left, top: plotTop, right: width - MARGIN - 8, bottom: plotBottom };
  const y = yScale(plot.bottom, plot.top);
  const x = linearScale(
    points.map((point) => point.x),
    plot.left + INSET,
    plot.right - INSET,
    { zero: false, ...(chart.x.ticks === undefined ? {} : { ticks: chart.x.ticks }) },
  );
  return svgDocument(width, height, chart.title, chart.notes, [
    ...top.svg,
    ...key.svg,
    ...leftAxis(y, plot, chart.y, MARGIN + 8),
    ...bottomAxis(x, plot, chart.x),
    ...chart.series.flatMap((series) => seriesSvg(series, x, y)),
  ]);
}
