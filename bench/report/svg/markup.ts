/** SVG text, written by hand so that the same chart always gives the same bytes (diffs of committed plots stay readable). */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values: route names and commands carry `&`, `<`, quotes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Coordinates to two decimals: enough for a pixel, and no float tails that differ between runs. */
export function coordinate(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a drawable coordinate: ${value}`);
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** The inverse of escapeXml, for reading back text this module wrote. */
export function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => Object.entries(ENTITIES).find(([, escaped]) => escaped === entity)?.[0] ?? entity);
}

type Attributes = Record<string, string | number | undefined>;

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? coordinate(value) : escapeXml(value)}"`)
    .join('');
}

/** One element; `children` are already-written elements, or text (escaped here) when a string is given. */
export function element(name: string, attrs: Attributes, children: string | readonly string[] = []): string {
  const inner = typeof children === 'string' ? escapeXml(children) : children.join('');
  return inner === '' ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${inner}</${name}>`;
}

/** The average advance of a character of the sans-serif fonts GitHub's viewers fall back to, per pixel of font size; enough to lay out labels without a browser. */
const AVERAGE_CHAR_WIDTH = 0.55;

export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * AVERAGE_CHAR_WIDTH;
}

/** Thousands grouped with commas and at most `digits` decimals, the same on every machine (no locale). */
export function formatNumber(value: number, digits = 0): string {
  const fixed = Math.abs(value).toFixed(digits);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction?.replace(/0+$/, '');
  return `${value < 0 && Number(fixed) !== 0 ? '-' : ''}${grouped}${trimmed ? `.${trimmed}` : ''}`;
}

/** A tick label: as many decimals as the tick's own value needs (0.5, 2, 20,000). */
export function formatTick(value: number): string {
  const decimals = Math.min(6, (String(value).split('.')[1] ?? '').length);
  return formatNumber(value, decimals);
}
