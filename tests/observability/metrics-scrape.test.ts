/**
 * A real scrape: the all-in-one process started as `npm start` starts it (memory store and bus),
 * driven through a full two-user handshake over HTTP, then /metrics read once. The scrape must
 * pass `promtool check metrics`, and everything the dashboard and the alerts read must be in it
 * with the labels they filter on.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { promtoolPath, PROMTOOL_INSTALL_TIMEOUT_MS, runPromtool } from '../../test-support/promtool/promtool.ts';
import { namesReadByArtefacts } from './support/artifacts.ts';
import { mergeNames } from './support/promql.ts';
import { parseExposition, type Exposition } from './support/exposition.ts';
import { fullHandshake, scrape } from './support/handshake.ts';
import type { ChildService } from '../../test-support/signal/child-service.ts';
import { driveOrExplain, startAllInOne } from './support/all-in-one.ts';

/** Read by the artefacts, exported by someone else than Signal. */
const EXTERNAL: Record<string, string> = {
  kube_pod_container_status_restarts_total: 'kube-state-metrics',
  up: 'Prometheus itself, one series per scrape target',
  container_cpu_cfs_throttled_periods_total: 'the kubelet\'s cAdvisor',
  container_cpu_cfs_periods_total: 'the kubelet\'s cAdvisor',
};

/**
 * Declared by every Signal process but without samples after a handshake in memory mode, so
 * their label sets cannot be checked here (they are by the Cosmos and bus suites' scrapes).
 */
const NO_SAMPLES_IN_MEMORY_MODE: Record<string, string> = {
  signal_cosmos_request_units_total: 'counted only by the Cosmos store (STORE=cosmos)',
  signal_cosmos_throttled_requests_total: 'counted only when Cosmos answers 429',
  signal_bus_event_lag_seconds_bucket: 'measured on events from another replica; a lone memory-bus process only hears its own',
  signal_bus_event_lag_seconds_sum: 'as signal_bus_event_lag_seconds_bucket',
  signal_bus_event_lag_seconds_count: 'as signal_bus_event_lag_seconds_bucket',
};

/**
 * promtool's lint findings on prom-client's own default metrics (gauges named `_total` since
 * prom-client 11); renaming them would break every public Node.js dashboard. Exit code 3 means
 * lint findings only; any finding on a Signal metric fails the test.
 */
const PROM_CLIENT_DEFAULT_FINDINGS = new Set([
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
]);
const PROMTOOL_LINT_ONLY = 3;

/** Added by the scrape (ServiceMonitor target labels, kube-state-metrics), never by Signal itself. */
const TARGET_LABELS = new Set(['namespace', 'pod', 'container', 'instance', 'job', 'endpoint']);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let signal: ChildService | undefined;
let text: string;
let exposition: Exposition;
const perExpression = namesReadByArtefacts();
const read = mergeNames(perExpression);
const signalMetrics = [...read.metrics].filter((name) => !name.includes(':') && !(name in EXTERNAL));

beforeAll(async () => {
  promtoolPath();
  signal = await startAllInOne();
  await driveOrExplain(signal, async (base) => {
    await fullHandshake(base);
    text = await scrape(base);
  });
  exposition = parseExposition(text);
}, PROMTOOL_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  expect(await signal?.stop()).toBe(0);
});

test('promtool check metrics finds no problem in the scrape beyond prom-client\'s known ones', () => {
  const result = runPromtool(['check', 'metrics'], text);
  const findings = result.output.split('\n').filter((line) => line.trim() !== '');
  expect(findings.filter((finding) => !PROM_CLIENT_DEFAULT_FINDINGS.has(finding))).toEqual([]);
  expect(result.status).toBe(findings.length === 0 ? 0 : PROMTOOL_LINT_ONLY);
});

test('no label value is a UUID: ids never become label values', () => {
  expect(exposition.labelValues.filter((value) => UUID.test(value))).toEqual([]);
});

describe('what the dashboard and alerts read', () => {
  test('they read Signal metrics at all (the extraction works)', () => {
    expect(signalMetrics.length).toBeGreaterThan(20);
  });

  test('every metric name is exported', () => {
    expect(signalMetrics.filter((name) => !exposition.declared.has(name))).toEqual([]);
  });

  test('every metric has samples after a handshake, except those declared above with a reason', () => {
    const missing = signalMetrics.filter((name) => !exposition.sampleLabels.has(name) && !(name in NO_SAMPLES_IN_MEMORY_MODE));
    expect(missing).toEqual([]);
  });

  test('every label a selector matches on is on that metric', () => {
    const problems = read.selectors.flatMap(({ metric, labels }) => {
      const present = exposition.sampleLabels.get(metric);
      if (present === undefined) return [];
      return labels.filter((label) => !TARGET_LABELS.has(label) && !present.has(label)).map((label) => `${metric} lacks label ${label}`);
    });
    expect([...new Set(problems)]).toEqual([]);
  });

  test('every label an expression groups or joins on is on one of its metrics', () => {
    const problems = perExpression.flatMap(({ metrics, groupingLabels }) => {
      const sampled = [...metrics].flatMap((metric) => [...(exposition.sampleLabels.get(metric) ?? [])]);
      const withSamples = [...metrics].some((metric) => exposition.sampleLabels.has(metric));
      if (!withSamples) return [];
      const present = new Set(sampled);
      return [...groupingLabels].filter((label) => !TARGET_LABELS.has(label) && !present.has(label)).map((label) => `${[...metrics].join(', ')}: ${label}`);
    });
    expect([...new Set(problems)]).toEqual([]);
  });
});

test('signal_sessions_active no longer counts the two users of the handshake once both logged out', () => {
  expect(/^signal_sessions_active\{[^}]*\} (\S+)$/m.exec(text)?.[1]).toBe('0');
});
