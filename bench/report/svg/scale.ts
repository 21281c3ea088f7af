/** Maps data values to pixels along one axis, and chooses the values its ticks are drawn at. */
export interface Scale {
  /** Data value to pixel coordinate. */
  at(value: number): number;
  /** The data range covered, after rounding out to tick values. */
  domain: [number, number];
  ticks: number[];
}

/** Floating-point steps (0.1 * 3) leave tails such as 0.30000000000000004 that would show in labels. */
const tidy = (value: number) => Number.parseFloat(value.toPrecision(12));

/** The 1, 2 or 5 times a power of ten closest above `roughStep`: steps people read at a glance. */
export function niceStep(roughStep: number): number {
  if (!(roughStep > 0) || !Number.isFinite(roughStep)) return 1;
  const power = 10 ** Math.floor(Math.log10(roughStep));
  const fraction = roughStep / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return tidy(nice * power);
}

/** About `count` evenly spaced tick values covering [min, max], starting and ending on a tick. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) return niceTicks(min === 0 ? 0 : Math.min(0, min), max === 0 ? 1 : Math.max(0, max), count);
  const step = niceStep((max - min) / count);
  const first = Math.floor(tidy(min / step));
  const last = Math.ceil(tidy(max / step));
  return Array.from({ length: last - first + 1 }, (_, i) => tidy((first + i) * step));
}

/** Ticks at 1, 2 and 5 times each power of ten, from the one at or below `min` to the one at or above `max`. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) throw new Error(`a log scale needs positive values, got ${min}..${max}`);
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(min)); ; power += 1) {
    for (const mantissa of [1, 2, 5]) {
      const tick = tidy(mantissa * 10 ** power);
      const next = tidy((mantissa === 5 ? 10 : mantissa === 2 ? 5 : 2) * 10 ** power);
      if (next <= min) continue;
      ticks.push(tick);
      if (tick >= max) return ticks;
    }
  }
}

/** A linear scale over [min, max] rounded out to nice ticks, drawn from pixel `from` to pixel `to`. */
export function linearScale(values: readonly number[], from: number, to: number, options: { zero?: boolean; ticks?: readonly number[] } = {}): Scale {
  const finite = values.filter(Number.isFinite);
  const lowest = Math.min(...finite, ...(options.zero === false ? [] : [0]), ...(options.ticks ?? []));
  const highest = Math.max(...finite, ...(options.ticks ?? []));
  const ticks = options.ticks === undefined ? niceTicks(lowest, highest) : [...options.ticks];
  const domain: [number, number] = options.ticks === undefined ? [ticks[0] ?? lowest, ticks.at(-1) ?? highest] : [lowest, highest];
  const span = domain[1] - domain[0] || 1;
  return { at: (value) => from + ((value - domain[0]) / span) * (to - from), domain, ticks };
}

/** A log10 scale over 1-2-5 ticks covering the values, drawn from pixel `from` to pixel `to`. */
export function logScale(values: readonly number[], from: number, to: number): Scale {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  if (positive.length === 0) throw new Error('a log scale needs at least one positive value');
  const ticks = logTicks(Math.min(...positive), Math.max(...positive));
  const domain: [number, number] = [ticks[0] ?? 1, ticks.at(-1) ?? 10];
  const [low, high] = [Math.log10(domain[0]), Math.log10(domain[1])];
  const span = high - low || 1;
  return { at: (value) => from + ((Math.log10(value) - low) / span) * (to - from), domain, ticks };
}
