/**
 * What an AKS install needs from the chart beyond routing: images from a registry of your own, a
 * workload identity per service (each reading only its own Key Vault secrets), the Key Vault
 * client id whatever the ServiceAccount, and AKS managed Prometheus (azmonitoring.coreos.com).
 */
import { readFileSync } from 'node:fs';
import type { KubeObject, Rendered } from '../../test-support/helm-render/index.ts';
import { helmRenderBinary, repoRoot } from '../../test-support/helm-render/index.ts';
import { isCustomResource } from './support/kube-validation.ts';
import { monitoringProblems } from './support/monitoring-shapes.ts';
import type { Deployment } from './support/renders.ts';
import { containers, named, objects, ofKind, render, renderError, SERVICES } from './support/renders.ts';

beforeAll(() => {
  helmRenderBinary();
}, 600_000);

const deployDoc = readFileSync(`${repoRoot}docs/deploy.md`, 'utf8');
const section = (title: string) => new RegExp(`\\n## ${title}\\n([\\s\\S]*?)\\n## `).exec(deployDoc)?.[1] ?? '';
const deployment = (rendered: Rendered, service: string) => named<Deployment>(rendered, 'Deployment', `signal-${service}`);
type Spc = KubeObject & { spec: { parameters: Record<string, string> } };

describe('5. the images come from a registry you name', () => {
  test('no default registry: the chart names image.registry among the required settings', () => {
    expect(renderError(['image.registry='])).toMatch(/image.registry \(or global.imageRegistry\): the registry you pushed the images to/);
    expect(containers(deployment(render(['image.registry=', 'global.imageRegistry=parent.azurecr.io']), 'ice'))[0]!.image).toBe('parent.azurecr.io/sme-connect/signal-ice:1.0.0');
  });

  test('docs/deploy.md says no image is published and builds each one into ACR', () => {
    const images = section('Step 2: Images');
    expect(images).toMatch(/not published/);
    expect(images).toMatch(/az acr build -r \$ACR --target \$svc/);
    expect(images).toMatch(/image\.registry/);
  });
});

describe('6. one workload identity per service', () => {
  const PER_SERVICE = [
    'serviceAccount.perService=true',
    'workloadIdentity.clientIds.session=10000000-0000-0000-0000-000000000001',
    'workloadIdentity.clientIds.signaling=10000000-0000-0000-0000-000000000002',
    'workloadIdentity.clientIds.ice=10000000-0000-0000-0000-000000000003',
  ];
  const KEY_VAULT = [
    'keyVault.enabled=true',
    'keyVault.name=contoso-signal-kv',
    'keyVault.tenantId=11111111-1111-1111-1111-111111111111',
    'secrets.turnSecret.existingSecret=',
    'secrets.turnSecret.keyVault=turn-secret',
    'secrets.wakeupSecret.existingSecret=',
    'secrets.wakeupSecret.keyVault=wakeup-secret',
  ];

  test('each service runs as its own ServiceAccount, annotated with its own identity', () => {
    const rendered = render(PER_SERVICE);
    SERVICES.forEach((service, index) => {
      const account = named(rendered, 'ServiceAccount', `signal-${service}`);
      expect(account.metadata.annotations?.['azure.workload.identity/client-id']).toBe(`10000000-0000-0000-0000-00000000000${index + 1}`);
      expect(deployment(rendered, service).spec.template.spec.serviceAccountName).toBe(`signal-${service}`);
    });
    expect(ofKind(rendered, 'ServiceAccount')).toHaveLength(3);
  });

  test("each service's SecretProviderClass reads the vault as that service's identity", () => {
    const rendered = render([...PER_SERVICE, ...KEY_VAULT]);
    expect(named<Spc>(rendered, 'SecretProviderClass', 'signal-ice-keyvault').spec.parameters.clientID).toBe('10000000-0000-0000-0000-000000000003');
    expect(named<Spc>(rendered, 'SecretProviderClass', 'signal-signaling-keyvault').spec.parameters.clientID).toBe('10000000-0000-0000-0000-000000000002');
  });

  test('a missing per-service client id is named', () => {
    expect(renderError([...PER_SERVICE, 'workloadIdentity.clientIds.ice='])).toMatch(/workloadIdentity.clientIds.ice is required/);
  });

  test('docs/deploy.md scopes each identity: its own Cosmos DB containers, the topic, and each Key Vault secret alone', () => {
    const identity = section('Step 5: Workload identity');
    expect(identity).toMatch(/--scope \/dbs\/signal\/colls\/sdps/);
    expect(identity).toMatch(/Data Reader/);
    const secrets = section('Step 6: Secrets');
    expect(secrets).toMatch(/--scope "\$VAULT_ID\/secrets\/turn-secret"/);
    expect(secrets).not.toMatch(/--role "Key Vault Secrets User" --scope \$\(az keyvault show[^)]*\)\s*$/m);
  });
});

describe('7. AKS managed Prometheus', () => {
  test('metrics.apiGroup azmonitoring.coreos.com renders the ServiceMonitor the ama-metrics add-on reads', () => {
    const rendered = render(['metrics.apiGroup=azmonitoring.coreos.com', 'metrics.serviceMonitor.enabled=true']);
    const monitor = named(rendered, 'ServiceMonitor', 'signal');
    expect(monitor.apiVersion).toBe('azmonitoring.coreos.com/v1');
    expect(monitoringProblems(objects(rendered).filter(isCustomResource))).toEqual([]);
    expect(named(render(['metrics.serviceMonitor.enabled=true']), 'ServiceMonitor', 'signal').apiVersion).toBe('monitoring.coreos.com/v1');
  });

  test('rules cannot be in-cluster objects there: the render says how to create them instead', () => {
    expect(
      renderError(['metrics.apiGroup=azmonitoring.coreos.com', 'metrics.prometheusRule.enabled=true', 'metrics.prometheusRule.runbookBaseUrl=https://example.com/']),
    ).toMatch(/metrics.prometheusRule.enabled: AKS managed Prometheus takes rule groups as Azure resources/);
  });

  test('docs/deploy.md converts the rules into Azure rule groups and admits the ama-metrics pods', () => {
    expect(deployDoc).toMatch(/az-prom-rules-converter/);
    expect(deployDoc).toMatch(/rsName: ama-metrics/);
  });
});

test('8. Key Vault with an existing ServiceAccount still needs the client id the CSI driver reads the vault as', () => {
  const set = ['serviceAccount.create=false', 'serviceAccount.name=platform-signal', 'keyVault.enabled=true', 'keyVault.name=contoso-kv', 'keyVault.tenantId=11111111-1111-1111-1111-111111111111', 'secrets.turnSecret.existingSecret=', 'secrets.turnSecret.keyVault=turn-secret'];
  expect(renderError([...set, 'workloadIdentity.clientId='])).toMatch(/workloadIdentity.clientId is required with keyVault.enabled/);
  expect(named<Spc>(render(set), 'SecretProviderClass', 'signal-ice-keyvault').spec.parameters.clientID).toBe('00000000-0000-0000-0000-000000000000');
});

describe('14. DNS egress with AKS LocalDNS', () => {
  type Egress = { to?: { ipBlock?: { cidr: string }; podSelector?: unknown }[]; ports?: { port: number; protocol: string }[] };
  const egress = (set: string[]) => named<KubeObject & { spec: { egress: Egress[] } }>(render(set), 'NetworkPolicy', 'signal-signaling').spec.egress;
  const localDns = (rules: Egress[]) => rules.filter((rule) => rule.to?.some((peer) => peer.ipBlock?.cidr.startsWith('169.254.')));

  test('networkPolicy.localDns opens DNS to the node-local addresses, on every policy', () => {
    const [rule, ...others] = localDns(egress(['networkPolicy.localDns.enabled=true']));
    expect(others).toEqual([]);
    expect(rule).toEqual({
      to: [{ ipBlock: { cidr: '169.254.10.10/32' } }, { ipBlock: { cidr: '169.254.10.11/32' } }],
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    });
    expect(localDns(egress([]))).toEqual([]);
  });

  test('docs/deploy.md says when to turn it on', () => {
    expect(deployDoc).toMatch(/networkPolicy\.localDns\.enabled/);
    expect(deployDoc).toMatch(/LocalDNS/);
  });
});
