import { coordinate, element } from './markup.ts';

/**
 * The Okabe-Ito colours, distinguishable with the common colour-vision deficiencies and on a
 * white background (its yellow is left out: too light for lines on white).
 */
export const COLOURS = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  sky: '#56B4E9',
  grey: '#777777',
} as const;

/** A second cue besides colour, so that a series is told apart in grey print too. */
export type Marker = 'circle' | 'square' | 'triangle' | 'diamond' | 'none';

/** A hollow marker is drawn white inside its colour's outline: the charts use it for a disturbed figure. */
export function marker(shape: Marker, x: number, y: number, colour: string, size = 4.5, hollow = false): string {
  const paint = hollow ? { fill: '#FFFFFF', stroke: colour, 'stroke-width': 2 } : { fill: colour };
  switch (shape) {
    case 'circle':
      return element('circle', { cx: x, cy: y, r: size, ...paint });
    case 'square':
      return element('rect', { x: x - size, y: y - size, width: size * 2, height: size * 2, ...paint });
    case 'triangle':
      return element('path', { d: polygon([[x, y - size * 1.2], [x + size * 1.1, y + size * 0.8], [x - size * 1.1, y + size * 0.8]]), ...paint });
    case 'diamond':
      return element('path', { d: polygon([[x, y - size * 1.3], [x + size * 1.1, y], [x, y + size * 1.3], [x - size * 1.1, y]]), ...paint });
    case 'none':
      return '';
  }
}

/** Path data through the points. */
export function pathThrough(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${coordinate(x)} ${coordinate(y)}`).join(' ');
}

function polygon(points: readonly (readonly [number, number])[]): string {
  return `${pathThrough(points)} Z`;
}
