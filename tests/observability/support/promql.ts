/**
 * Just enough PromQL reading to check queries against a real scrape: which metric names an
 * expression reads, which labels each selector matches on, and which labels it groups by.
 * promtool checks the syntax itself; this only lists names.
 */

export interface Selector {
  metric: string;
  labels: string[];
}

export interface QueryNames {
  metrics: Set<string>;
  selectors: Selector[];
  /** Labels named in by/without/on/ignoring/group_left/group_right lists. */
  groupingLabels: Set<string>;
}

const IDENTIFIER = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
const SELECTOR = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}/g;
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g;
const STRING = /"(?:[^"\\]|\\.)*"/g;
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

export function namesIn(expression: string): QueryNames {
  const selectors: Selector[] = [];
  for (const [, metric, matchers] of expression.matchAll(SELECTOR)) {
    if (metric === undefined || KEYWORDS.has(metric)) continue;
    selectors.push({ metric, labels: [...(matchers ?? '').matchAll(MATCHER)].map((match) => match[1]!) });
  }

  const withoutStrings = expression.replace(STRING, '""');
  const groupingLabels = new Set<string>();
  for (const [, , list] of withoutStrings.matchAll(GROUPING)) {
    for (const label of (list ?? '').split(',').map((name) => name.trim())) if (label !== '') groupingLabels.add(label);
  }

  const skeleton = withoutStrings
    .replace(GROUPING, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const metrics = new Set<string>();
  for (const match of skeleton.matchAll(IDENTIFIER)) {
    const name = match[0];
    const next = skeleton.slice(match.index + name.length).trimStart();
    const isCall = next.startsWith('(');
    if (!isCall && !KEYWORDS.has(name.toLowerCase())) metrics.add(name);
  }
  return { metrics, selectors, groupingLabels };
}

/** Grafana's `label_values(<selector>, <label>)` variable query, read as a query plus a grouping label. */
export function namesInVariableQuery(query: string): QueryNames {
  const match = /^\s*label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(query);
  if (match === null) throw new Error(`unsupported variable query: ${query}`);
  const names = namesIn(match[1]!);
  names.groupingLabels.add(match[2]!);
  return names;
}

export function mergeNames(all: QueryNames[]): QueryNames {
  return {
    metrics: new Set(all.flatMap((names) => [...names.metrics])),
    selectors: all.flatMap((names) => names.selectors),
    groupingLabels: new Set(all.flatMap((names) => [...names.groupingLabels])),
  };
}

/** Grafana's template variables replaced by values that keep the query valid PromQL for promtool. */
export function withoutGrafanaVariables(expression: string): string {
  return expression.replaceAll('$__rate_interval', '5m').replace(/\$\{?[a-zA-Z_]+\}?/g, '.*');
}
