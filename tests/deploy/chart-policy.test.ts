/**
 * Deployment policies, asserted on the minimal render (the required settings) and on the production example: hardened,
 * bounded and probed containers; routes (HTTPRoute or Ingress) that expose exactly the public API and send each
 * path to the service that implements it; selectors, HPA targets, PDBs and references that
 * point at objects of the release; no secret material in the minimal render.
 */
import type { KubeObject, Rendered } from '../../test-support/helm-render/index.ts';
import { renderChart } from '../../test-support/helm-render/index.ts';
import type { Container, Deployment } from './support/renders.ts';
import { containers, named, objects, ofKind, publicRoutes, RENDERS, selects, SERVICES } from './support/renders.ts';
// The seed's eight operations on their six paths; `npm run start:cluster` routes with the same table.
import { INGRESS_ROUTES as PUBLIC_ROUTES } from '../../test-support/cluster/ingress-proxy.ts';

const SECRET_VARIABLES = ['AUTH_JWT_SECRET', 'AUTH_JWT_PUBLIC_KEY', 'TURN_SECRET', 'COSMOS_KEY', 'SERVICEBUS_CONNECTION_STRING', 'WAKEUP_SECRET'];

type DeploymentObject = KubeObject & Deployment;
interface ServiceObject {
  spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
}
interface HttpRouteObject {
  spec: { rules: { matches: { path: { type: string; value: string } }[]; backendRefs: { name: string; port: number }[] }[] };
}
interface IngressObject {
  spec: {
    rules: { host?: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { name?: string } } } }[] } }[];
  };
}

const renders = Object.entries(RENDERS).map(([name, options]) => [name, renderChart(options)] as const);

function deploymentsOf(rendered: Rendered): DeploymentObject[] {
  return ofKind<Deployment>(rendered, 'Deployment');
}

/** The Deployment whose pods a label selector picks; exactly one, or the test fails. */
function selectedDeployment(rendered: Rendered, selector: Record<string, string>): DeploymentObject {
  const matches = deploymentsOf(rendered).filter((d) => selects(selector, d.spec.template.metadata.labels));
  expect(matches).toHaveLength(1);
  return matches[0]!;
}

function configMapData(rendered: Rendered, container: Container): Record<string, string> {
  return Object.assign(
    {},
    ...(container.envFrom ?? []).map((source) => (named(rendered, 'ConfigMap', source.configMapRef!.name) as KubeObject & { data?: Record<string, string> }).data),
  ) as Record<string, string>;
}

describe.each(renders)('the %s render', (name, rendered: Rendered) => {
  const everyContainer = deploymentsOf(rendered).flatMap((d) => containers(d).map((c) => [d, c] as const));

  test.each(everyContainer.map(([d, c]) => [`${d.metadata.name}/${c.name}`, d, c] as const))(
    '%s is probed, bounded, hardened and pinned',
    (_label, deployment, container) => {
      const pod = deployment.spec.template.spec;
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      const security = { ...pod.securityContext, ...container.securityContext };
      expect(security).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext?.capabilities?.drop).toContain('ALL');
      expect(container.securityContext).not.toHaveProperty('privileged', true);
      expect(container.image).toMatch(/^[^:@]+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/);
      expect(container.image).not.toMatch(/:latest$/);
    },
  );

  test('gives long-polls time to finish: grace period > preStop delay + LONGPOLL_MAX_SECONDS', () => {
    const signaling = named<Deployment>(rendered, 'Deployment', 'signal-signaling');
    const longPoll = Number(configMapData(rendered, containers(signaling)[0]!).LONGPOLL_MAX_SECONDS ?? 25);
    for (const deployment of deploymentsOf(rendered)) {
      const pod = deployment.spec.template.spec;
      const delay = containers(deployment)[0]!.lifecycle?.preStop?.sleep?.seconds;
      expect(delay).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(delay! + longPoll);
    }
  });

  test('each Deployment runs its own service and spreads its pods', () => {
    for (const service of SERVICES) {
      const deployment = named<Deployment>(rendered, 'Deployment', `signal-${service}`);
      expect(containers(deployment).map((c) => c.image)).toEqual([expect.stringMatching(new RegExp(`/signal-${service}[:@]`))]);
      const { selector, template } = deployment.spec;
      expect(selects(selector.matchLabels, template.metadata.labels)).toBe(true);
      expect(selector.matchLabels['app.kubernetes.io/component']).toBe(service);
      const spread = template.spec.topologySpreadConstraints ?? [];
      expect(spread.length).toBeGreaterThan(0);
      for (const constraint of spread) expect(constraint.labelSelector.matchLabels).toEqual(selector.matchLabels);
      expect(template.metadata.annotations).toEqual(
        expect.objectContaining({ 'checksum/config': expect.stringMatching(/^[a-f0-9]{64}$/), 'checksum/secret': expect.stringMatching(/^[a-f0-9]{64}$/) }),
      );
    }
  });

  test('every Service selects the pods of exactly one Deployment, on a port they name', () => {
    for (const service of ofKind<ServiceObject>(rendered, 'Service')) {
      const deployment = selectedDeployment(rendered, service.spec.selector);
      const portNames = containers(deployment).flatMap((c) => (c.ports ?? []).map((p) => p.name));
      for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);
    }
  });

  test('the routes serve exactly the public paths, each to the Service of its implementing pods', () => {
    const routed = Object.fromEntries(
      Object.entries(publicRoutes(rendered)).map(([path, serviceName]) => {
        const service = named<ServiceObject>(rendered, 'Service', serviceName);
        return [path, selectedDeployment(rendered, service.spec.selector).spec.template.metadata.labels['app.kubernetes.io/component']];
      }),
    );
    expect(routed).toEqual(PUBLIC_ROUTES);
    for (const ingress of ofKind<IngressObject>(rendered, 'Ingress')) {
      for (const rule of ingress.spec.rules) for (const p of rule.http.paths) expect([p.pathType, p.backend.service.port.name]).toEqual(['Exact', 'http']);
    }
    for (const route of ofKind<HttpRouteObject>(rendered, 'HTTPRoute')) {
      for (const rule of route.spec.rules) {
        expect(rule.matches.map((m) => m.path.type)).toEqual(rule.matches.map(() => 'Exact'));
        for (const backend of rule.backendRefs) expect(named<ServiceObject>(rendered, 'Service', backend.name).spec.ports.map((p) => p.port)).toContain(backend.port);
      }
    }
  });

  test('HPAs scale Deployments of the release that leave their replica count to them', () => {
    const hpas = ofKind<{ spec: { scaleTargetRef: { apiVersion: string; kind: string; name: string }; minReplicas: number; maxReplicas: number } }>(
      rendered,
      'HorizontalPodAutoscaler',
    );
    expect(hpas).toHaveLength(3);
    for (const hpa of hpas) {
      const { apiVersion, kind, name: target } = hpa.spec.scaleTargetRef;
      const deployment = named<Deployment>(rendered, kind, target);
      expect(deployment.apiVersion).toBe(apiVersion);
      expect(deployment.spec.replicas).toBeUndefined();
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
    }
  });

  test('PodDisruptionBudgets and NetworkPolicies select the pods of exactly one Deployment', () => {
    const pdbs = ofKind<{ spec: { selector: { matchLabels: Record<string, string> } } }>(rendered, 'PodDisruptionBudget');
    const policies = ofKind<{ spec: { podSelector: { matchLabels: Record<string, string> } } }>(rendered, 'NetworkPolicy');
    expect(pdbs).toHaveLength(3);
    expect(policies).toHaveLength(3);
    const pdbTargets = pdbs.map((pdb) => selectedDeployment(rendered, pdb.spec.selector.matchLabels).metadata.name);
    const policyTargets = policies.map((policy) => selectedDeployment(rendered, policy.spec.podSelector.matchLabels).metadata.name);
    expect(new Set(pdbTargets).size).toBe(3);
    expect(new Set(policyTargets).size).toBe(3);
  });

  test('pods reference only ConfigMaps, Secrets and a ServiceAccount that exist or are declared external', () => {
    // Secrets made outside the release: by an operator (minimal's existingSecret) or synced by the CSI driver.
    const external = name === 'production' ? ['signal-ice-keyvault', 'signal-signaling-keyvault'] : ['signal-turn', 'signal-wakeup'];
    for (const deployment of deploymentsOf(rendered)) {
      const pod = deployment.spec.template.spec;
      named(rendered, 'ServiceAccount', pod.serviceAccountName);
      for (const container of pod.containers) {
        configMapData(rendered, container);
        for (const env of container.env ?? []) {
          const secret = env.valueFrom?.secretKeyRef?.name;
          if (secret !== undefined && !external.includes(secret)) named(rendered, 'Secret', secret);
        }
      }
    }
  });

  test('keeps secret material out of ConfigMaps', () => {
    for (const configMap of ofKind<{ data?: Record<string, string> }>(rendered, 'ConfigMap')) {
      for (const key of SECRET_VARIABLES) expect(configMap.data ?? {}).not.toHaveProperty(key);
    }
  });
});

test('the minimal render carries no Secret values at all', () => {
  const [, defaults] = renders.find(([name]) => name === 'minimal')!;
  for (const secret of ofKind<{ data?: object; stringData?: object }>(defaults, 'Secret')) {
    expect(secret.data ?? {}).toEqual({});
    expect(secret.stringData ?? {}).toEqual({});
  }
  const values = objects(defaults).flatMap((o) => JSON.stringify(o).match(/"value":"[^"]+"/g) ?? []);
  expect(values.filter((v) => /secret|password|key=|SharedAccessKey/i.test(v))).toEqual([]);
});

test('production pods use workload identity through an annotated ServiceAccount', () => {
  const [, production] = renders.find(([name]) => name === 'production')!;
  const account = named(production, 'ServiceAccount', 'signal');
  expect(account.metadata.annotations?.['azure.workload.identity/client-id']).toMatch(/^[0-9a-f-]{36}$/);
  for (const deployment of deploymentsOf(production)) {
    expect(deployment.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('signal');
  }
  expect(ofKind(production, 'Secret')).toEqual([]);
});

test('the production ServiceMonitor scrapes /metrics on every Service of the release', () => {
  const [, production] = renders.find(([name]) => name === 'production')!;
  const monitor = named<{ spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string; honorLabels?: boolean }[] } }>(
    production,
    'ServiceMonitor',
    'signal',
  );
  const scraped = ofKind<ServiceObject>(production, 'Service').filter((s) => selects(monitor.spec.selector.matchLabels, s.metadata.labels));
  expect(scraped.map((s) => s.metadata.name).sort()).toEqual(['signal-ice', 'signal-session', 'signal-signaling']);
  for (const endpoint of monitor.spec.endpoints) {
    expect(endpoint.path).toBe('/metrics');
    // The metrics carry their own "service" label, which the target label must not rename.
    expect(endpoint.honorLabels).toBe(true);
    for (const service of scraped) expect(service.spec.ports.map((p) => p.name)).toContain(endpoint.port);
  }
});
