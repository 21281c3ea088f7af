/**
 * Every variable the services' config reads is either set by the chart or deliberately left to
 * its default with a reason: a variable added to the config without a chart value fails here,
 * instead of silently running at its default on every cluster.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { helmRenderBinary, repoRoot } from '../../test-support/helm-render/index.ts';
import type { Deployment } from './support/renders.ts';
import { containers, named, ofKind, render, SERVICES } from './support/renders.ts';

beforeAll(() => {
  helmRenderBinary();
}, 600_000);

/** Read by the config, not set by the chart, and why. */
const NOT_SET_BY_CHART: Record<string, string> = {
  MEMORY_STORE_MAX_MB: 'the chart always runs STORE=cosmos; the budget bounds the memory store only',
  MEMORY_STORE_USER_SHARE_PERCENT: 'a share of MEMORY_STORE_MAX_MB: the memory store only, which the chart never runs',
  LONGPOLL_MAX_PER_SESSION: 'old name of LONGPOLL_MAX_PER_USER, read only when the new one is unset',
  SERVICEBUS_SUBSCRIPTION: 'each pod creates its own subscription; set through extraEnv for credentials without Manage rights',
  AUTH_JWT_SECRET: 'one of three key sources: rendered only when secrets.jwtSecret is given (minimal values use jwksUrl)',
  AUTH_JWT_PUBLIC_KEY: 'one of three key sources: rendered only when secrets.jwtPublicKey is given',
  AUTH_JWKS_ALLOW_HTTP_FOR_TESTS: 'tests only: a deployment fetches its keys over https',
  COSMOS_KEY: 'the minimal values authenticate with workload identity; rendered only when secrets.cosmosKey is given',
  SERVICEBUS_CONNECTION_STRING: 'the minimal values use SERVICEBUS_NAMESPACE with workload identity',
};

function variablesTheConfigReads(): string[] {
  const dir = `${repoRoot}libs/common/src/config/`;
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
    for (const match of readFileSync(dir + file, 'utf8').matchAll(/env\.[a-zA-Z]+\(\s*'([A-Z][A-Z0-9_]+)'/g)) names.add(match[1]!);
  }
  return [...names].sort();
}

/** Values the chart leaves out of the ConfigMaps while empty: given here so their mapping shows. */
const OPTIONAL_VALUES = [
  'config.corsOrigins={https://app.example.com}',
  'config.publicUrl=https://signal.example.com',
  'config.trustProxyAddresses={10.240.0.0/16}',
  'sessionCookie.domain=example.com',
  'session.auth.issuer=https://issuer.example.com/',
  'session.auth.audience=signal',
  'session.auth.algorithms={RS256}',
  'cosmos.preferredRegions={West Europe}',
  'ice.stunUrls={stun:stun.example.com:3478}',
  'httpRoute.gateway=envoy-gateway',
  'signaling.roomAffinity=true',
];

function variablesThePodsGet(): Set<string> {
  const objects = render(OPTIONAL_VALUES).manifests.map((m) => m.object);
  const names = new Set<string>();
  for (const configMap of ofKind<{ data?: Record<string, string> }>(objects, 'ConfigMap')) {
    if (!/^signal(-session|-signaling|-ice)?$/.test(configMap.metadata.name)) continue;
    for (const name of Object.keys(configMap.data ?? {})) names.add(name);
  }
  for (const service of SERVICES) {
    for (const container of containers(named<Deployment>(objects, 'Deployment', `signal-${service}`))) {
      for (const entry of container.env ?? []) names.add(entry.name);
    }
  }
  return names;
}

test('the config reads variables the scan can find (the scan itself works)', () => {
  expect(variablesTheConfigReads()).toEqual(expect.arrayContaining(['PORT', 'LONGPOLL_MAX_PER_USER', 'SESSION_MAX_PER_USER', 'HTTP_IDLE_TIMEOUT_SECONDS']));
});

test('every variable the config reads is set by the chart or listed with a reason', () => {
  const set = variablesThePodsGet();
  const missing = variablesTheConfigReads().filter((name) => !set.has(name) && !(name in NOT_SET_BY_CHART));
  expect(missing).toEqual([]);
});

test('the reasons list holds only variables the config still reads and the chart does not set', () => {
  const read = new Set(variablesTheConfigReads());
  const set = variablesThePodsGet();
  const stale = Object.keys(NOT_SET_BY_CHART).filter((name) => !read.has(name) || set.has(name));
  expect(stale).toEqual([]);
});
