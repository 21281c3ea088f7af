/** The shipped observability artefacts, read as the tests need them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './processes.ts';
import { namesIn, namesInVariableQuery, type QueryNames } from './promql.ts';

export const RULES_FILE = join(REPO_ROOT, 'deploy/helm/signal/files/prometheus-rules.yaml');
export const DASHBOARD_FILE = join(REPO_ROOT, 'deploy/helm/signal/files/grafana-dashboard.json');
export const RUNBOOK_FILE = join(REPO_ROOT, 'docs/runbook.md');
export const RULE_TESTS_DIR = join(REPO_ROOT, 'tests/observability/rules-tests');

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function loadRules(): Rule[] {
  const file = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
  return file.groups.flatMap((group) => group.rules);
}

export interface DashboardTarget {
  expr: string;
  refId: string;
  datasource?: { type: string; uid: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: DashboardTarget[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  query: string | { query: string };
  datasource?: { type: string; uid: string };
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

export const variableQuery = (variable: DashboardVariable): string =>
  typeof variable.query === 'string' ? variable.query : variable.query.query;

/** Every PromQL expression a panel plots. */
export function dashboardExpressions(dashboard: Dashboard): string[] {
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
}

/** Every panel query with a key naming it: `<panel title>/<refId>`. */
export function dashboardPanelQueries(dashboard: Dashboard): Array<{ key: string; expr: string }> {
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ key: `${panel.title}/${target.refId}`, expr: target.expr })));
}

/** What each expression of the dashboard and the rules reads, recording rules' own outputs included. */
export function namesReadByArtefacts(): QueryNames[] {
  const dashboard = loadDashboard();
  return [
    ...loadRules().map((rule) => namesIn(rule.expr)),
    ...dashboardExpressions(dashboard).map(namesIn),
    ...dashboard.templating.list.filter((variable) => variable.type === 'query').map((variable) => namesInVariableQuery(variableQuery(variable))),
  ];
}
