/**
 * What a platform engineer hits on a real AKS cluster, proven on renders: client addresses per
 * ingress path, Key Vault secrets, drain times per ingress controller, Helm edge cases (required
 * settings, subchart globals, Recreate, kubeVersion), the extension points of public charts, and
 * per-service config checksums and absolute runbook links.
 */
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../test-support/helm-render/index.ts';
import { helmRenderBinary, repoRoot } from '../../test-support/helm-render/index.ts';
import { INGRESS_PATHS } from '../security/support/ingress-paths.ts';
import type { Deployment, ServiceName } from './support/renders.ts';
import { containers, LEGACY_INGRESS, minimalValues, named, objects, ofKind, publicRoutes, render, renderError, ROUTED_SERVICES, SERVICES } from './support/renders.ts';

beforeAll(() => {
  helmRenderBinary();
}, 600_000);

type Pod = Deployment['spec']['template']['spec'] & {
  volumes?: { name: string; csi?: { driver: string; readOnly?: boolean; volumeAttributes?: Record<string, string> } }[];
  initContainers?: { name: string }[];
};
type DeploymentObject = KubeObject & Deployment & { spec: { strategy: Record<string, unknown> } };

const deployment = (list: KubeObject[], service: ServiceName) => named<DeploymentObject>(list, 'Deployment', `signal-${service}`);
const pod = (list: KubeObject[], service: ServiceName) => deployment(list, service).spec.template.spec as Pod;
const configMap = (list: KubeObject[], name: string) => (named(list, 'ConfigMap', name) as KubeObject & { data: Record<string, string> }).data;
/** The legacy Ingress, with the NetworkPolicy source Application Gateway needs, before the values of a test. */
const ingress = (set: string[]) => render([...LEGACY_INGRESS, 'networkPolicy.ingressFrom[0].ipBlock.cidr=10.1.0.0/24', ...set]);

describe('1. client addresses behind each ingress path', () => {
  test.each(INGRESS_PATHS.map((path) => [path.name, path] as const))('%s: TRUST_PROXY as the path needs', (_name, path) => {
    expect(configMap(objects(ingress(path.chartValues)), 'signal').TRUST_PROXY).toBe(String(path.trustProxy));
  });

  test('NOTES.txt names the controller settings each path needs', () => {
    const nginx = ingress(['ingress.controller=nginx']).notes;
    expect(nginx).toContain('externalTrafficPolicy: Local');
    expect(nginx).not.toContain('compute-full-forwarded-for');
    const behind = ingress(['ingress.controller=nginx', 'ingress.behind=application-gateway']).notes;
    expect(behind).toContain('use-forwarded-headers: "true"');
    expect(behind).toContain('compute-full-forwarded-for: "true"');
    const appgw = ingress(['ingress.controller=application-gateway']).notes;
    expect(appgw).not.toMatch(/externalTrafficPolicy|use-forwarded-headers/);
  });

  test('an explicit config.trustProxy wins; a controller the chart does not know needs one', () => {
    expect(configMap(objects(render(['config.trustProxy=3'])), 'signal').TRUST_PROXY).toBe('3');
    expect(renderError([...LEGACY_INGRESS, 'networkPolicy.enabled=false', 'ingress.controller=none'])).toMatch(/config.trustProxy: set the number of proxies/);
    expect(configMap(objects(ingress(['ingress.controller=none', 'config.trustProxy=1'])), 'signal').TRUST_PROXY).toBe('1');
  });
});

describe('2. secrets from Key Vault through the Secrets Store CSI driver', () => {
  const keyVault = [
    'keyVault.enabled=true',
    'keyVault.name=contoso-signal-kv',
    'keyVault.tenantId=11111111-1111-1111-1111-111111111111',
    'secrets.turnSecret.existingSecret=',
    'secrets.turnSecret.keyVault=turn-secret',
    'secrets.serviceBusConnectionString.keyVault=servicebus-connection',
  ];
  type Spc = KubeObject & {
    spec: {
      provider: string;
      parameters: Record<string, string>;
      secretObjects: { secretName: string; type: string; data: { objectName: string; key: string }[] }[];
    };
  };

  test('one SecretProviderClass per service with only its secrets, read with the workload identity and synced to a Secret', () => {
    const list = objects(render(keyVault));
    const classes = ofKind<Spc>(list, 'SecretProviderClass');
    expect(classes.map((c) => [c.apiVersion, c.metadata.name])).toEqual(
      SERVICES.map((service) => ['secrets-store.csi.x-k8s.io/v1', `signal-${service}-keyvault`]),
    );
    const ice = named<Spc>(list, 'SecretProviderClass', 'signal-ice-keyvault');
    expect(ice.spec.provider).toBe('azure');
    expect(ice.spec.parameters).toMatchObject({
      usePodIdentity: 'false',
      clientID: '00000000-0000-0000-0000-000000000000',
      keyvaultName: 'contoso-signal-kv',
      tenantId: '11111111-1111-1111-1111-111111111111',
    });
    expect(ice.spec.parameters.objects).toContain('objectName: turn-secret');
    expect(ice.spec.parameters.objects).toContain('objectAlias: TURN_SECRET');
    expect(ice.spec.secretObjects).toEqual([
      {
        secretName: 'signal-ice-keyvault',
        type: 'Opaque',
        data: [
          { objectName: 'SERVICEBUS_CONNECTION_STRING', key: 'SERVICEBUS_CONNECTION_STRING' },
          { objectName: 'TURN_SECRET', key: 'TURN_SECRET' },
        ],
      },
    ]);
    expect(named<Spc>(list, 'SecretProviderClass', 'signal-session-keyvault').spec.parameters.objects).not.toContain('turn-secret');
  });

  test('each pod mounts its class (the driver syncs only while a pod mounts it) and reads the synced Secret', () => {
    const list = objects(render(keyVault));
    for (const service of SERVICES) {
      const spec = pod(list, service);
      expect(spec.volumes).toContainEqual({
        name: 'keyvault',
        csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: `signal-${service}-keyvault` } },
      });
      expect(containers(deployment(list, service))[0]!.env).toContainEqual({
        name: 'SERVICEBUS_CONNECTION_STRING',
        valueFrom: { secretKeyRef: { name: `signal-${service}-keyvault`, key: 'SERVICEBUS_CONNECTION_STRING' } },
      });
    }
    expect(ofKind(list, 'Secret')).toEqual([]);
  });

  test('refused: Key Vault without workload identity or a vault name, and a secret from two sources', () => {
    expect(renderError([...keyVault, 'workloadIdentity.enabled=false'])).toMatch(/keyVault needs workloadIdentity.enabled/);
    expect(renderError([...keyVault, 'keyVault.name='])).toMatch(/keyVault.name is required/);
    expect(renderError([...keyVault, 'secrets.turnSecret.value=x'])).toMatch(/secrets.turnSecret: set one of value, existingSecret or keyVault/);
    expect(renderError(['secrets.cosmosKey.keyVault=cosmos-key'])).toMatch(/secrets.cosmosKey.keyVault needs keyVault.enabled/);
  });

  test('rotation: a reloader annotation naming the Secrets each Deployment reads, or a revision the operator bumps', () => {
    const list = objects(render([...keyVault, 'secretRotation.reloader=true']));
    expect(deployment(list, 'ice').metadata.annotations?.['secret.reloader.stakater.com/reload']).toBe('signal-ice-keyvault');
    const annotations = (revision: string) => deployment(objects(render([...keyVault, `secretRotation.revision=${revision}`])), 'ice').spec.template.metadata.annotations!;
    expect(annotations('2026-11-30')['checksum/secret']).not.toBe(annotations('2026-12-01')['checksum/secret']);
  });
});

describe('3. drain times follow the ingress controller', () => {
  const drain = (set: string[]) => {
    const list = objects(ingress(set));
    return [containers(deployment(list, 'signaling'))[0]!.lifecycle?.preStop?.sleep?.seconds, pod(list, 'signaling').terminationGracePeriodSeconds];
  };

  test('Application Gateway gets the 90 s pre-stop its guide asks for, ingress-nginx 5 s; grace covers pre-stop + long-poll', () => {
    expect(drain(['ingress.controller=application-gateway'])).toEqual([90, 130]);
    expect(drain(['ingress.controller=nginx'])).toEqual([5, 45]);
    expect(drain(['ingress.controller=application-gateway', 'signaling.longPoll.maxSeconds=60', 'ingress.timeoutSeconds=90'])).toEqual([90, 165]);
  });

  test('explicit values win and are still checked', () => {
    expect(drain(['preStopDelaySeconds=20', 'terminationGracePeriodSeconds=60'])).toEqual([20, 60]);
    expect(renderError([...LEGACY_INGRESS, 'ingress.controller=application-gateway', 'terminationGracePeriodSeconds=100'])).toMatch(
      /terminationGracePeriodSeconds \(100\) must exceed preStopDelaySeconds \+ signaling.longPoll.maxSeconds \(115\)/,
    );
  });
});

describe('6. real-Helm edge cases', () => {
  test('the chart defaults alone are refused, naming every missing setting', () => {
    const message = renderError([], { valuesFiles: [] });
    for (const setting of ['cosmos.endpoint', 'serviceBus.namespace', 'session.auth.jwksUrl', 'session.auth.issuer', 'session.auth.audience', 'ice.turn.urls', 'secrets.turnSecret', 'workloadIdentity.enabled or secrets.cosmosKey']) {
      expect(message).toContain(setting);
    }
  });

  test.each([
    [['cosmos.endpoint='], /cosmos.endpoint/],
    [['serviceBus.namespace='], /serviceBus.namespace \(or secrets.serviceBusConnectionString\)/],
    [['session.auth.jwksUrl='], /session.auth.jwksUrl, secrets.jwtSecret or secrets.jwtPublicKey/],
    [['session.auth.issuer='], /session.auth.issuer \(the tokens' iss/],
    [['session.auth.audience='], /session.auth.audience \(the tokens' aud/],
    [['secrets.jwtSecret.existingSecret=jwt'], /give only one of session.auth.jwksUrl, secrets.jwtSecret, secrets.jwtPublicKey/],
    [['ice.turn.urls=null'], /ice.turn.urls/],
    [['secrets.turnSecret.existingSecret='], /secrets.turnSecret/],
    [['workloadIdentity.enabled=false'], /workloadIdentity.enabled or secrets.cosmosKey/],
  ])('%j is refused', (set, message) => {
    expect(renderError(set)).toMatch(message);
  });

  test('global values are accepted, so the chart can be a subchart', () => {
    expect(() => render(['global.imageRegistry=parent.azurecr.io', 'global.storageClass=managed'])).not.toThrow();
  });

  test('the Recreate strategy renders no rollingUpdate block', () => {
    expect(deployment(objects(render(['updateStrategy.type=Recreate'])), 'ice').spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment(objects(render([])), 'ice').spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });

  test('kubeVersion refuses older clusters, and docs/deploy.md tells older Helm clients to pass --kube-version', () => {
    expect(renderError([], { kubeVersion: '1.29.0' })).toMatch(/chart requires kubeVersion: >=1.30.0-0 which is incompatible with Kubernetes v1.29.0/);
    expect(readFileSync(`${repoRoot}docs/deploy.md`, 'utf8')).toMatch(/helm template .*--kube-version 1\.3\d/);
  });
});

describe('7. extension points', () => {
  test('extraEnv, extraEnvFrom, extraVolumes, extraVolumeMounts, sidecars and initContainers reach every pod', () => {
    const list = objects(
      render([
        'extraEnv[0].name=HTTPS_PROXY',
        'extraEnv[0].value=http://proxy:3128',
        'extraEnvFrom[0].configMapRef.name=site-settings',
        'extraVolumes[0].name=ca',
        'extraVolumes[0].configMap.name=corporate-ca',
        'extraVolumeMounts[0].name=ca',
        'extraVolumeMounts[0].mountPath=/etc/ssl/corporate',
        'sidecars[0].name=log-shipper',
        'sidecars[0].image=fluent/fluent-bit:3.2.4',
        'initContainers[0].name=wait',
        'initContainers[0].image=busybox:1.37',
      ]),
    );
    for (const service of SERVICES) {
      const [main, sidecar] = containers(deployment(list, service));
      expect(main!.env).toContainEqual({ name: 'HTTPS_PROXY', value: 'http://proxy:3128' });
      expect(main!.envFrom).toContainEqual({ configMapRef: { name: 'site-settings' } });
      expect((main as { volumeMounts?: unknown[] }).volumeMounts).toContainEqual({ name: 'ca', mountPath: '/etc/ssl/corporate' });
      expect(sidecar).toEqual({ name: 'log-shipper', image: 'fluent/fluent-bit:3.2.4' });
      expect(pod(list, service).initContainers).toEqual([{ name: 'wait', image: 'busybox:1.37' }]);
      expect(pod(list, service).volumes).toContainEqual({ name: 'ca', configMap: { name: 'corporate-ca' } });
    }
  });

  test('podLabels and podAnnotations, global and per service, land on the pod template', () => {
    const metadata = deployment(objects(render(['podLabels.team=rtc', 'ice.podLabels.tier=edge', 'podAnnotations.owner=platform'])), 'ice').spec.template.metadata;
    expect(metadata.labels).toMatchObject({ team: 'rtc', tier: 'edge' });
    expect(metadata.annotations).toMatchObject({ owner: 'platform' });
  });

  test('global.imageRegistry wins over image.registry', () => {
    const list = objects(render(['global.imageRegistry=parent.azurecr.io', 'image.registry=contoso.azurecr.io']));
    expect(containers(deployment(list, 'session'))[0]!.image).toBe('parent.azurecr.io/sme-connect/signal-session:1.0.0');
  });

  test('a Gateway API HTTPRoute routes the public paths beside, or instead of, the Ingress', () => {
    type Route = KubeObject & {
      spec: {
        parentRefs: { name: string; namespace?: string }[];
        hostnames?: string[];
        rules: { matches: { path: { type: string; value: string } }[]; backendRefs: { name: string; port: number }[]; timeouts?: { request: string } }[];
      };
    };
    const list = objects(render(['httpRoute.enabled=true', 'httpRoute.parentRefs[0].name=public', 'httpRoute.parentRefs[0].namespace=gateways', 'httpRoute.hostnames={signal.example.com}', 'ingress.enabled=false']));
    expect(ofKind(list, 'Ingress')).toEqual([]);
    const route = named<Route>(list, 'HTTPRoute', 'signal');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([{ name: 'public', namespace: 'gateways' }]);
    expect(route.spec.hostnames).toEqual(['signal.example.com']);
    expect(publicRoutes(list)).toEqual(ROUTED_SERVICES);
    for (const rule of route.spec.rules) {
      expect(rule.matches.every((m) => m.path.type === 'Exact')).toBe(true);
      expect(rule.timeouts).toEqual({ request: '60s' });
    }
  });
});

test('7. the AKS application routing add-on example: its IngressClass, and its namespace admitted by every NetworkPolicy', () => {
  type Policy = KubeObject & { spec: { ingress: { from?: { namespaceSelector?: { matchLabels: Record<string, string> } }[] }[] } };
  const list = objects(render([], { valuesFiles: [minimalValues, `${repoRoot}deploy/helm/signal/ci/ingress-app-routing-nginx.yaml`] }));
  expect((named(list, 'Ingress', 'signal') as KubeObject & { spec: { ingressClassName: string } }).spec.ingressClassName).toBe('webapprouting.kubernetes.azure.com');
  for (const policy of ofKind<Policy>(list, 'NetworkPolicy')) {
    const namespaces = policy.spec.ingress.flatMap((rule) => rule.from ?? []).map((peer) => peer.namespaceSelector?.matchLabels['kubernetes.io/metadata.name']);
    expect(namespaces).toContain('app-routing-system');
  }
});

describe('8. smaller', () => {
  const checksum = (set: string[], service: ServiceName) => deployment(objects(render(set)), service).spec.template.metadata.annotations!['checksum/config'];

  test('an ice-only setting restarts only ice; a shared one restarts every service', () => {
    for (const service of ['session', 'signaling'] as const) expect(checksum(['ice.transportPolicy=relay'], service)).toBe(checksum([], service));
    expect(checksum(['ice.transportPolicy=relay'], 'ice')).not.toBe(checksum([], 'ice'));
    for (const service of SERVICES) expect(checksum(['config.logLevel=debug'], service)).not.toBe(checksum([], service));
  });

  test('runbook_url annotations are absolute, from metrics.prometheusRule.runbookBaseUrl', () => {
    type Rule = KubeObject & { spec: { groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[] } };
    const list = objects(render(['metrics.prometheusRule.enabled=true', 'metrics.prometheusRule.runbookBaseUrl=https://git.contoso.com/signal/blob/v1.0.0/']));
    const alerts = named<Rule>(list, 'PrometheusRule', 'signal').spec.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    expect(alerts.length).toBeGreaterThan(5);
    for (const alert of alerts) expect(alert.annotations?.runbook_url).toBe(`https://git.contoso.com/signal/blob/v1.0.0/docs/runbook.md#${alert.alert!.toLowerCase()}`);
  });

  test('the runbook neither scales against the HPA nor rolls back behind Helm', () => {
    const runbook = readFileSync(`${repoRoot}docs/runbook.md`, 'utf8');
    expect(runbook).not.toMatch(/kubectl -n \$NS (scale|rollout undo)/);
    expect(runbook).toMatch(/helm -n \$NS rollback/);
  });

  test('cosmos.preferredRegions becomes COSMOS_PREFERRED_REGIONS for every service', () => {
    expect(configMap(objects(render(['cosmos.preferredRegions={West Europe,North Europe}'])), 'signal').COSMOS_PREFERRED_REGIONS).toBe('West Europe,North Europe');
    expect(configMap(objects(render([])), 'signal')).not.toHaveProperty('COSMOS_PREFERRED_REGIONS');
  });
});
