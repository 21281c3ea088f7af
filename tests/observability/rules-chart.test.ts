/**
 * What the chart adds to the plain rules file: SLO objectives from values, the ServiceMonitor's
 * `service` target label the missing-replica rules count by, and the Alertmanager inhibition
 * snippet naming only alerts that exist. (Absolute runbook links: tests/deploy/chart-aks.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
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

test('every alert name in the inhibition snippet matches an alert of the rules file', () => {
  const snippet = parse(readFileSync(join(signalChart, 'files/alertmanager-inhibit-rules.yaml'), 'utf8')) as {
    inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[]; equal: string[] }>;
  };
  const names = loadRules().flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert]));
  expect(snippet.inhibit_rules.length).toBeGreaterThan(0);
  for (const rule of snippet.inhibit_rules) {
    expect(rule.equal).toEqual(expect.arrayContaining(['namespace', 'service']));
    for (const matcher of [...rule.source_matchers, ...rule.target_matchers]) {
      const [, operator, value] = /^alertname(=~|=)"(.*)"$/.exec(matcher) ?? [];
      expect([matcher, operator]).toEqual([matcher, expect.stringMatching(/^=~?$/)]);
      const pattern = new RegExp(`^(?:${operator === '=' ? value!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : value})$`);
      const alternatives = value!.replace(/^\(|\)$/g, '').split('|');
      expect([matcher, names.filter((name) => pattern.test(name)).length > 0]).toEqual([matcher, true]);
      if (operator === '=~' && !value!.includes('(')) for (const name of alternatives) expect(names).toContain(name);
    }
  }
});
