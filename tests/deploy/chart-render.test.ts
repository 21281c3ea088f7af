/**
 * The chart renders with its required settings (fixtures/values/minimal.yaml) and with
 * examples/production-values.yaml, and every object
 * is valid for the Kubernetes API: schema-valid (kubernetes-models), free of unknown fields
 * (kubernetes-types + tsc), and for the Prometheus Operator kinds, of the operator's shape.
 * Deliberately broken objects prove that each check rejects what it is meant to.
 */
import { spawnSync } from 'node:child_process';
import type { KubeObject, Rendered } from '../../test-support/helm-render/index.ts';
import { installedHelm, renderChart, schemaProblems, signalChart } from '../../test-support/helm-render/index.ts';
import { isCustomResource, modelProblems, unknownFieldProblems } from './support/kube-validation.ts';
import { monitoringProblems } from './support/monitoring-shapes.ts';
import { named, objects, RENDERS } from './support/renders.ts';

const renders = Object.entries(RENDERS).map(([name, options]) => [name, renderChart(options)] as const);
const helm = installedHelm();

describe.each(Object.entries(RENDERS))('linting with the %s values', (_name, options) => {
  // Without Helm, the strict helm-render above (missing keys are errors) and the schema stand in.
  test(helm === undefined ? 'helm is not installed: strict render and schema check' : 'helm lint --strict', () => {
    if (helm === undefined) {
      expect(schemaProblems(options)).toEqual([]);
      expect(renderChart(options).engine).toBe('helm-render');
      return;
    }
    const files = (options.valuesFiles ?? []).flatMap((file) => ['--values', file]);
    const lint = spawnSync(helm, ['lint', '--strict', signalChart, ...files], { encoding: 'utf8', timeout: 60_000 });
    expect(`${lint.stdout}${lint.stderr}`).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });
});

describe.each(renders)('the %s render', (_name, rendered: Rendered) => {
  test('holds the objects of a complete release', () => {
    const kinds = objects(rendered).map((o) => o.kind);
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      expect(kinds.filter((k) => k === kind)).toHaveLength(3);
    }
    for (const kind of ['HTTPRoute', 'ServiceAccount']) expect(kinds).toContain(kind);
  });

  test('passes the Kubernetes API schemas (kubernetes-models)', async () => {
    expect(await modelProblems(objects(rendered))).toEqual([]);
  });

  test('has no unknown field and no wrong type (kubernetes-types and tsc)', () => {
    expect(unknownFieldProblems(objects(rendered))).toEqual([]);
  });

  test('has well-formed Prometheus Operator objects', () => {
    expect(monitoringProblems(objects(rendered).filter(isCustomResource))).toEqual([]);
  });

  test('names every object once per kind and keeps names within DNS limits', () => {
    const keys = objects(rendered).map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const o of objects(rendered)) expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });
});

describe('the validation itself', () => {
  const [, production] = renders.find(([name]) => name === 'production')!;
  const deployment = () => structuredClone(named(production, 'Deployment', 'signal-signaling')) as KubeObject & { spec: Record<string, unknown> };

  test('kubernetes-models rejects a wrong type but lets an unknown field through', async () => {
    const wrongType = deployment();
    wrongType.spec.replicas = 'two';
    expect(await modelProblems([wrongType])).toEqual([expect.stringContaining('spec/replicas must be integer')]);
    const unknownField = deployment();
    unknownField.spec.replicaz = 2;
    expect(await modelProblems([unknownField])).toEqual([]);
  });

  test('the tsc check rejects unknown fields and wrong types, naming the object', () => {
    const unknownField = deployment();
    unknownField.spec.replicaz = 2;
    const nested = deployment();
    (nested.spec as { template: { spec: Record<string, unknown> } }).template.spec.terminationGracePeriod = 30;
    const wrongType = deployment();
    wrongType.spec.replicas = 'two';
    const problems = unknownFieldProblems([unknownField, nested, wrongType]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^Deployment\/signal-signaling: TS2353: .*replicaz["']* does not exist in type 'DeploymentSpec'/);
    expect(problems[1]).toMatch(/terminationGracePeriod["']* does not exist in type 'PodSpec'/);
    expect(problems[2]).toMatch(/TS2322: Type 'string' is not assignable to type 'number'/);
  });

  test('the monitoring shapes reject unknown fields and bad rules', () => {
    const monitor = structuredClone(named(production, 'ServiceMonitor', 'signal')) as KubeObject & { spec: Record<string, unknown> };
    monitor.spec.endpoint = monitor.spec.endpoints;
    const rules = structuredClone(named(production, 'PrometheusRule', 'signal')) as KubeObject & {
      spec: { groups: { rules: Record<string, unknown>[] }[] };
    };
    rules.spec.groups[0]!.rules[0] = { expr: 'up' };
    const problems = monitoringProblems([monitor, rules]);
    expect(problems).toContainEqual(expect.stringContaining('ServiceMonitor/signal: /spec must NOT have additional properties'));
    expect(problems).toContainEqual(expect.stringContaining('PrometheusRule/signal: /spec/groups/0/rules/0 must match exactly one schema'));
  });
});
