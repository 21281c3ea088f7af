/**
 * The Grafana dashboard: importable as shipped (schema, data source variable, layout), and every
 * query valid PromQL, checked by promtool through a throw-away rules file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { stringify } from 'yaml';
import { promtoolPath, PROMTOOL_INSTALL_TIMEOUT_MS, runPromtool } from '../../test-support/promtool/promtool.ts';
import { dashboardExpressions, loadDashboard, variableQuery, type DashboardPanel } from './support/artifacts.ts';
import { namesIn, withoutGrafanaVariables } from './support/promql.ts';

const dashboard = loadDashboard();
const PROMETHEUS_FROM_VARIABLE = { type: 'prometheus', uid: '${datasource}' };

describe('structure', () => {
  test('identity and schema', () => {
    expect(dashboard.uid).toBe('signal-overview');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
  });

  test('variables: a Prometheus data source, then namespace and service read from Signal metrics', () => {
    const [datasource, ...queries] = dashboard.templating.list;
    expect(datasource).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    expect(queries.map((variable) => variable.name)).toEqual(['namespace', 'service']);
    for (const variable of queries) {
      expect(variable.datasource).toEqual(PROMETHEUS_FROM_VARIABLE);
      expect(variableQuery(variable)).toMatch(/^label_values\(signal_/);
    }
  });

  const dataPanels = dashboard.panels.filter((panel) => panel.type !== 'row');

  test('every data panel and query uses the data source variable', () => {
    expect(dataPanels.length).toBeGreaterThan(20);
    for (const panel of dataPanels) {
      expect(panel.datasource).toEqual(PROMETHEUS_FROM_VARIABLE);
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource).toEqual(PROMETHEUS_FROM_VARIABLE);
    }
  });

  test('panel ids are unique and panels tile the 24-column grid without overlapping', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const overlaps = (a: DashboardPanel, b: DashboardPanel) =>
      a.gridPos.x < b.gridPos.x + b.gridPos.w &&
      b.gridPos.x < a.gridPos.x + a.gridPos.w &&
      a.gridPos.y < b.gridPos.y + b.gridPos.h &&
      b.gridPos.y < a.gridPos.y + a.gridPos.h;
    for (const [index, panel] of dashboard.panels.entries()) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      for (const other of dashboard.panels.slice(index + 1)) expect([panel.title, other.title, overlaps(panel, other)]).toEqual([panel.title, other.title, false]);
    }
  });

  test('the issue\'s views are all there', () => {
    const read = new Set(dashboardExpressions(dashboard).flatMap((expression) => [...namesIn(expression).metrics]));
    for (const metric of [
      'signal_http_request_duration_seconds_count',
      'signal_http_request_duration_seconds_bucket',
      'signal_handshake_duration_seconds_bucket',
      'signal_longpoll_waiters',
      'signal_longpoll_wakeups_total',
      'signal_cosmos_request_units_total',
      'signal_cosmos_throttled_requests_total',
      'signal_bus_event_lag_seconds_bucket',
      'signal_bus_events_published_total',
      'signal_bus_connected',
      'kube_pod_container_status_restarts_total',
      'nodejs_eventloop_lag_p99_seconds',
      'signal_ready',
      'up',
      'signal_longpoll_capacity',
      'signal_memory_limit_bytes',
      'container_cpu_cfs_throttled_periods_total',
      'process_start_time_seconds',
      'namespace_service:signal_slo_availability_error_budget_remaining:ratio30d',
      'namespace_service:signal_slo_latency_error_budget_remaining:ratio30d',
      'namespace_service:signal_slo_handshake_error_budget_remaining:ratio30d',
      'signal_handshakes_total',
      'signal_dependency_up',
      'signal_sessions_active',
      'namespace_service:signal_slo_history_hours:30d',
    ]) {
      expect(read).toContain(metric);
    }
  });
});

describe('what an incident needs at a glance', () => {
  const byTitle = (title: string) => dashboard.panels.find((panel) => panel.title === title);
  const exprsOf = (title: string) => (byTitle(title)?.targets ?? []).map((target) => target.expr).join('\n');

  test('the Overview row shows the stores no replica reaches and the active sessions', () => {
    for (const title of ['Stores unreachable', 'Active sessions']) expect(byTitle(title)?.gridPos.y).toBe(1);
    expect(exprsOf('Stores unreachable')).toContain('signal_dependency_up');
  });

  test('long-poll outcomes, wake-ups and store reachability are shown per pod', () => {
    expect(exprsOf('Long-poll outcomes by pod')).toMatch(/sum by \(pod, outcome\)/);
    expect(exprsOf('Wake-ups by pod')).toMatch(/sum by \(pod, path, outcome\) \(rate\(signal_wakeups_total/);
    expect(exprsOf('Wake-up requests refused by pod')).toMatch(/sum by \(pod, reason\) \(rate\(signal_wakeups_refused_total/);
    expect(exprsOf('Dependencies by pod')).toMatch(/by \(service, pod, dependency\)/);
  });

  test('budget panels say "not enough history" (-1) until a week of the SLI is held', () => {
    const panels = dashboard.panels.filter((panel) => panel.title.endsWith('budget left (30 d)'));
    expect(panels).toHaveLength(3);
    for (const panel of panels) {
      expect(panel.targets?.[0]?.expr).toMatch(/signal_slo_history_hours:30d >= 168\nor\n {2}0 \* .* - 1$/);
      expect(JSON.stringify((panel as unknown as { fieldConfig: unknown }).fieldConfig)).toContain('"text":"not enough history"');
    }
  });
});

describe('queries', () => {
  let scratch: string;
  beforeAll(() => {
    promtoolPath();
    scratch = mkdtempSync(join(tmpdir(), 'signal-dashboard-'));
  }, PROMTOOL_INSTALL_TIMEOUT_MS);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('every panel query is valid PromQL (promtool)', () => {
    const expressions = dashboardExpressions(dashboard);
    const rules = expressions.map((expression, index) => ({ record: `dashboard:query_${index}`, expr: withoutGrafanaVariables(expression) }));
    const file = join(scratch, 'dashboard-queries.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    const result = runPromtool(['check', 'rules', file]);
    expect(result.output).toContain(`SUCCESS: ${expressions.length} rules found`);
    expect(result.status).toBe(0);
  });
});
