/**
 * What the chart adds to the plain rules file: SLO objectives from values, the ServiceMonitor's
 * `service` target label the missing-replica rules count by, and the Alertmanager inhibition
 * snippet naming only alerts that exist. (Absolute runbook links: tests/deploy/chart-aks.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { helmRenderBinary, renderChart, repoRoot, schemaProblems, signalChart, type KubeObject } from '../../test-support/helm-render/index.ts';
import { loadRules, type Rule } from './support/artifacts.ts';

const RUNBOOK_BASE = 'https://git.example.com/signal/-/blob/main/';
/** The chart refuses to render without its required settings; the production example has them. */
const PRODUCTION = join(repoRoot, 'examples/production-values.yaml');

interface RuleGroups {
  spec: { groups: Array<{ rules: Rule[] }> };
}

let scratch: string;
beforeAll(() => {
  helmRenderBinary();
  scratch = mkdtempSync(join(tmpdir(), 'signal-rules-chart-'));
}, 600_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Values as a file: `--set` types 0.995 as a string, as Helm does. */
function valuesFile(values: unknown): string {
  const file = join(scratch, `values-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(values));
  return file;
}

function renderedRules(prometheusRule: Record<string, unknown>): Rule[] {
  const { manifests } = renderChart({ valuesFiles: [PRODUCTION, valuesFile({ metrics: { prometheusRule: { enabled: true, runbookBaseUrl: RUNBOOK_BASE, ...prometheusRule } } })] });
  const object = manifests.find((manifest) => manifest.object.kind === 'PrometheusRule')!.object as KubeObject & RuleGroups;
  return object.spec.groups.flatMap((group) => group.rules);
}

test('SLO objectives come from values', () => {
  const rules = renderedRules({ slo: { availability: 0.995, latency: 0.99, handshake: 0.9 } });
  const objectives = rules.filter((rule) => rule.record === 'signal:slo_objective:ratio').map((rule) => [rule.labels?.slo, rule.expr]);
  expect(objectives).toEqual([
    ['availability', 'vector(0.995)'],
    ['latency', 'vector(0.99)'],
    ['handshake', 'vector(0.9)'],
  ]);
  expect(rules.length).toBe(loadRules().length);
});

test('objectives outside (0, 1) are refused', () => {
  expect(schemaProblems({ set: ['metrics.prometheusRule.slo.latency=1'] }).join('\n')).toMatch(/slo\/latency/);
  expect(schemaProblems({ valuesFiles: [valuesFile({ metrics: { prometheusRule: { slo: { availability: 0.999, latency: 0.99, handshake: 0.95 } } } })] })).toEqual([]);
});

test('the ServiceMonitor names each target after its Signal service, which `up` is counted by', () => {
  const { manifests } = renderChart({ valuesFiles: [PRODUCTION], set: ['metrics.serviceMonitor.enabled=true'] });
  const monitor = manifests.find((manifest) => manifest.object.kind === 'ServiceMonitor')!.object as KubeObject & {
    spec: { endpoints: Array<{ relabelings?: Array<{ sourceLabels?: string[]; targetLabel?: string }> }> };
  };
  expect(monitor.spec.endpoints[0]!.relabelings![0]).toEqual({
    sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'],
    targetLabel: 'service',
  });
});

interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}
const inhibitRules = (parse(readFileSync(join(signalChart, 'files/alertmanager-inhibit-rules.yaml'), 'utf8')) as { inhibit_rules: InhibitRule[] }).inhibit_rules;

/** Alertmanager's matcher syntax as the snippet uses it: `label="value"` or `label=~"regex"` (anchored). */
function parseMatcher(matcher: string): { label: string; matches: (value: string | undefined) => boolean } {
  const [, label, operator, value] = /^(\w+)(=~|=)"(.*)"$/.exec(matcher) ?? [];
  if (label === undefined) throw new Error(`unsupported matcher ${matcher}`);
  const pattern = operator === '=' ? undefined : new RegExp(`^(?:${value})$`);
  return { label, matches: (actual) => (pattern === undefined ? actual === value : pattern.test(actual ?? '')) };
}

const matchesAll = (matchers: string[], labels: Record<string, string>) =>
  matchers.map(parseMatcher).every((matcher) => matcher.matches(labels[matcher.label]));

/** Whether Alertmanager would mute `target` while `source` fires. */
const inhibits = (source: Record<string, string>, target: Record<string, string>) =>
  inhibitRules.some(
    (rule) =>
      matchesAll(rule.source_matchers, source) &&
      matchesAll(rule.target_matchers, target) &&
      rule.equal.every((label) => source[label] === target[label]),
  );

test('every alert name in the inhibition snippet matches an alert of the rules file', () => {
  const names = loadRules().flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert]));
  expect(inhibitRules.length).toBeGreaterThan(0);
  for (const rule of inhibitRules) {
    expect(rule.equal).toContain('namespace');
    for (const matcher of [...rule.source_matchers, ...rule.target_matchers].filter((matcher) => matcher.startsWith('alertname'))) {
      const [, operator, value] = /^alertname(=~|=)"(.*)"$/.exec(matcher) ?? [];
      expect([matcher, operator]).toEqual([matcher, expect.stringMatching(/^=~?$/)]);
      const { matches } = parseMatcher(matcher);
      const alternatives = value!.replace(/^\(|\)$/g, '').split('|');
      expect([matcher, names.some((name) => matches(name))]).toEqual([matcher, true]);
      if (operator === '=~' && !value!.includes('(')) for (const name of alternatives) expect(names).toContain(name);
    }
  }
});

describe('routing: the cause pages, its consequences stay silent', () => {
  const burn = (name: string, service: string, slo: string) => ({ alertname: name, namespace: 'signal', service, slo, severity: 'critical' });
  const cosmosDown = { alertname: 'SignalDependencyDown', namespace: 'signal', dependency: 'cosmos', severity: 'critical' };
  const serviceDown = (service: string) => ({ alertname: 'SignalServiceDown', namespace: 'signal', service, severity: 'critical' });

  test('Cosmos DB down mutes every service\'s availability, latency and handshake burns and per-pod store alerts', () => {
    for (const service of ['session', 'signaling', 'ice']) {
      expect(inhibits(cosmosDown, burn('SignalAvailabilityBudgetFastBurn', service, 'availability'))).toBe(true);
      expect(inhibits(cosmosDown, burn('SignalLatencyBudgetFastBurn', service, 'latency'))).toBe(true);
      expect(inhibits(cosmosDown, burn('SignalLatencyBudgetSlowBurn', service, 'latency'))).toBe(true);
      expect(inhibits(cosmosDown, { alertname: 'SignalPodDependencyDown', namespace: 'signal', service, pod: `${service}-a` })).toBe(true);
    }
    expect(inhibits(cosmosDown, burn('SignalHandshakeBudgetFastBurn', 'signaling', 'handshake'))).toBe(true);
    expect(inhibits(cosmosDown, { ...burn('SignalAvailabilityBudgetFastBurn', 'session', 'availability'), namespace: 'other' })).toBe(false);
  });

  test('a service down mutes its own burns; session or signaling down mutes the handshake burn', () => {
    expect(inhibits(serviceDown('ice'), burn('SignalLatencyBudgetFastBurn', 'ice', 'latency'))).toBe(true);
    expect(inhibits(serviceDown('ice'), burn('SignalLatencyBudgetFastBurn', 'session', 'latency'))).toBe(false);
    expect(inhibits(serviceDown('ice'), burn('SignalHandshakeBudgetFastBurn', 'signaling', 'handshake'))).toBe(false);
    expect(inhibits(serviceDown('session'), burn('SignalHandshakeBudgetFastBurn', 'signaling', 'handshake'))).toBe(true);
    expect(inhibits(serviceDown('signaling'), burn('SignalHandshakeBudgetSlowBurn', 'signaling', 'handshake'))).toBe(true);
  });

  test('nothing mutes the cause alerts themselves', () => {
    const causes = [cosmosDown, serviceDown('session'), serviceDown('signaling')];
    for (const source of causes) for (const target of causes) expect(inhibits(source, target)).toBe(false);
  });
});
