import { barChart } from '../report/svg/bar-chart.ts';
import { wrap } from '../report/svg/frame.ts';
import { lineChart, type LineChart } from '../report/svg/line-chart.ts';
import { coordinate, escapeXml, formatNumber, formatTick, unescapeXml } from '../report/svg/markup.ts';
import { COLOURS } from '../report/svg/palette.ts';
import { linearScale, logScale, logTicks, niceStep, niceTicks } from '../report/svg/scale.ts';

/** Tags open and close in order, and nothing but tags and text sits between them. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const [, closing, name, , selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name ?? '');
  }
  expect(stack).toEqual([]);
  expect(svg.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#39);)/);
}

const numbersIn = (svg: string, attribute: string) => [...svg.matchAll(new RegExp(` ${attribute}="([^"]*)"`, 'g'))].map((match) => match[1]);

describe('scales', () => {
  test('steps are 1, 2 or 5 times a power of ten', () => {
    expect([0.013, 0.3, 1, 1.5, 3, 7, 23, 4200].map(niceStep)).toEqual([0.02, 0.5, 1, 2, 5, 10, 50, 5000]);
  });

  test('nice ticks cover the range, start and end on a tick, and carry no float tails', () => {
    expect(niceTicks(0, 23834)).toEqual([0, 5000, 10000, 15000, 20000, 25000]);
    expect(niceTicks(0, 0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0.1, 0.3, 2)).toEqual([0.1, 0.2, 0.3]);
    expect(niceTicks(5, 5)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('log ticks run 1, 2, 5 per decade from at or below the least value to at or above the greatest', () => {
    expect(logTicks(1.5, 60)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(2.5, 4)).toEqual([2, 5]);
    expect(logTicks(0.04, 0.2)).toEqual([0.02, 0.05, 0.1, 0.2]);
    expect(() => logTicks(0, 10)).toThrow(/positive/);
  });

  test('a linear scale maps its domain onto the pixel range, either way round', () => {
    const y = linearScale([3, 17], 400, 100);
    expect(y.domain).toEqual([0, 20]);
    expect([y.at(0), y.at(10), y.at(20)]).toEqual([400, 250, 100]);
    const x = linearScale([200, 1000], 0, 800, { zero: false, ticks: [200, 500, 1000] });
    expect(x.ticks).toEqual([200, 500, 1000]);
    expect([x.at(200), x.at(500), x.at(1000)]).toEqual([0, 300, 800]);
  });

  test('a log scale spaces each decade alike', () => {
    const y = logScale([1.2, 90], 300, 0);
    expect(y.domain).toEqual([1, 100]);
    expect(y.at(1)).toBeCloseTo(300);
    expect(y.at(10)).toBeCloseTo(150);
    expect(y.at(100)).toBeCloseTo(0);
  });
});

describe('markup', () => {
  test('text and attributes are escaped, and read back unchanged', () => {
    const nasty = `GET /offer?a=1&b="2" <script>'x'</script>`;
    expect(escapeXml(nasty)).toBe('GET /offer?a=1&amp;b=&quot;2&quot; &lt;script&gt;&#39;x&#39;&lt;/script&gt;');
    expect(unescapeXml(escapeXml(nasty))).toBe(nasty);
    expect(unescapeXml('&amp;lt;')).toBe('&lt;');
  });

  test('numbers are written the same on every machine', () => {
    expect([coordinate(1 / 3), coordinate(-0.001), coordinate(250)]).toEqual(['0.33', '0', '250']);
    expect(() => coordinate(Number.NaN)).toThrow(/drawable/);
    expect([formatNumber(23834.4), formatNumber(1234567.891, 2), formatNumber(-0.004, 2), formatNumber(12.5, 1)]).toEqual(['23,834', '1,234,567.89', '0', '12.5']);
    expect([formatTick(0.2), formatTick(20000), formatTick(2.5)]).toEqual(['0.2', '20,000', '2.5']);
  });

  test('notes wrap at word boundaries within the width', () => {
    expect(wrap('one two three four', 70, 12)).toEqual(['one two', 'three four']);
    expect(wrap('averyveryverylongword x', 20, 12)).toEqual(['averyveryverylongword', 'x']);
  });
});

const LINES: LineChart = {
  title: 'Latency <p99> & p50',
  notes: ['2026-12-05 09:04 UTC: npm run bench -- --only=handshakes'],
  x: { label: 'offered load (handshakes/s)', ticks: [200, 500, 1000] },
  y: { label: 'latency (ms)', log: true },
  series: [
    { name: 'Signal p99', colour: COLOURS.blue, marker: 'circle', points: [{ x: 200, y: 15 }, { x: 500, y: 19, hollow: true }, { x: 1000, y: 24 }] },
    { name: 'floor "p50"', colour: COLOURS.green, marker: 'square', dashed: true, points: [{ x: 200, y: 1.5 }, { x: 500, y: Number.NaN }, { x: 1000, y: 1.4, low: 1.2, high: 1.9, label: '1.4×' }] },
  ],
};

describe('line chart', () => {
  test('is a well-formed SVG document with a title, a description, a legend and axis labels', () => {
    const svg = lineChart(LINES);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expectWellFormed(svg);
    expect(svg).toContain('<title>Latency &lt;p99&gt; &amp; p50</title>');
    expect(svg).toContain('<desc>2026-12-05 09:04 UTC: npm run bench -- --only=handshakes</desc>');
    expect(svg).toContain('>floor &quot;p50&quot;</text>');
    for (const label of ['offered load (handshakes/s)', 'latency (ms)', '1,000', '>1<', '>50<', '1.4×']) expect(svg).toContain(label);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('fill="#FFFFFF" stroke="#0072B2"');
  });

  test('the same chart gives the same bytes, with no unset or non-finite value in it', () => {
    const svg = lineChart(LINES);
    expect(lineChart(structuredClone(LINES))).toBe(svg);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    for (const attribute of ['x', 'y', 'cx', 'cy', 'width', 'height']) {
      for (const value of numbersIn(svg, attribute)) expect(value).toMatch(/^-?\d+(\.\d{1,2})?$/);
    }
  });

  test('points sit where the scales put them: a higher value is drawn higher', () => {
    const svg = lineChart({ ...LINES, y: { label: 'ms' }, series: [{ name: 'a', colour: COLOURS.blue, marker: 'circle', points: [{ x: 1, y: 10 }, { x: 2, y: 20 }] }], x: { label: 'n' } });
    const [first, second] = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="4.5"/g)].map((match) => [Number(match[1]), Number(match[2])] as const);
    expect(first).toBeDefined();
    expect(second![0]).toBeGreaterThan(first![0]);
    expect(second![1]).toBeLessThan(first![1]);
  });
});

describe('bar chart', () => {
  const chart = () =>
    barChart({
      title: 'Requests per second',
      notes: ['from a test'],
      value: { label: 'requests/s', format: (value) => formatNumber(value) },
      bars: [
        { label: 'Express 5 hello: GET /hello', value: 20000, colour: COLOURS.vermillion, note: '20,000/s' },
        { label: 'GET /offer?x=1&y=2', value: 10000, colour: COLOURS.blue, note: '10,000/s · 0.50×' },
        { label: 'not measured', value: Number.NaN, colour: COLOURS.blue },
      ],
      legend: [{ name: 'Signal', colour: COLOURS.blue, box: true }],
      references: [{ value: 14000, label: 'target: 0.7× Express hello' }],
    });

  test('bar lengths are proportional to their values, from the same origin', () => {
    const svg = chart();
    expectWellFormed(svg);
    const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="18"/g)].map((match) => [Number(match[1]), Number(match[2])] as const);
    expect(bars).toHaveLength(2);
    expect(bars[0]![0]).toBe(bars[1]![0]);
    expect(bars[0]![1] / bars[1]![1]).toBeCloseTo(2, 1);
    expect(svg).toContain('GET /offer?x=1&amp;y=2');
    expect(svg).not.toContain('not measured');
    expect(svg).toContain('>20,000<');
  });

  test('a reference line is drawn at its value, with its label', () => {
    const svg = chart();
    const origin = Number(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="18"/.exec(svg)?.[1]);
    const full = Number(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="18"/.exec(svg)?.[1]);
    const dashed = /<path d="M([\d.]+) [\d.]+ L[\d.]+ [\d.]+" stroke="#222222" stroke-width="1.5" stroke-dasharray="6 4"\/>/.exec(svg);
    expect(Number(dashed?.[1]) - origin).toBeCloseTo((full * 14000) / 20000, 0);
    expect(svg).toContain('target: 0.7× Express hello');
    expect(chart()).toBe(svg);
  });
});
