/**
 * The front door: Gateway API first (an HTTPRoute attached to the Gateway of the implementation
 * named by httpRoute.gateway), the Ingress as the legacy option. What the one in use decides:
 * the NetworkPolicy's sources, the proxy-hop count, the drain time and NOTES; and the values
 * file of every documented controller and gateway under deploy/helm/signal/ci/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { KubeObject, Rendered } from '../../test-support/helm-render/index.ts';
import { helmRenderBinary, renderChart, repoRoot, signalChart } from '../../test-support/helm-render/index.ts';
import { isCustomResource, modelProblems, unknownFieldProblems } from './support/kube-validation.ts';
import { monitoringProblems } from './support/monitoring-shapes.ts';
import type { Deployment } from './support/renders.ts';
import { containers, LEGACY_INGRESS, minimalValues, named, objects, publicRoutes, render, renderError, ROUTED_SERVICES } from './support/renders.ts';

beforeAll(() => {
  helmRenderBinary();
}, 600_000);

type Peer = { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: unknown; ipBlock?: { cidr: string } };
type Policy = KubeObject & { spec: { ingress: { ports: { port: string | number }[]; from?: Peer[] }[] } };

/** The rules of the signaling pods' policy that open the HTTP port. */
const httpRules = (rendered: Rendered) =>
  named<Policy>(rendered, 'NetworkPolicy', 'signal-signaling').spec.ingress.filter((rule) => rule.ports.some((port) => port.port === 'http'));
const namespaces = (peers: Peer[] | undefined) => (peers ?? []).map((peer) => peer.namespaceSelector?.matchLabels['kubernetes.io/metadata.name']);
const trustProxy = (rendered: Rendered) => (named(rendered, 'ConfigMap', 'signal') as KubeObject & { data: Record<string, string> }).data.TRUST_PROXY;
const drain = (rendered: Rendered) => {
  const deployment = named<Deployment>(rendered, 'Deployment', 'signal-signaling');
  return [containers(deployment)[0]!.lifecycle?.preStop?.sleep?.seconds, deployment.spec.template.spec.terminationGracePeriodSeconds];
};
const gateway = (name: string, ...more: string[]) => [`httpRoute.gateway=${name}`, ...more];

describe('the NetworkPolicy admits the controller or gateway in use', () => {
  test.each([
    ['app-routing: the Gateway namespace, where Istio runs its deployment', gateway('app-routing'), ['gateways']],
    ['istio, a Gateway in the release namespace', gateway('istio', 'httpRoute.parentRefs[0].namespace=null'), ['signal']],
    ['envoy-gateway: its proxies run in envoy-gateway-system', gateway('envoy-gateway'), ['envoy-gateway-system']],
    ['ingress-nginx', [...LEGACY_INGRESS], ['ingress-nginx']],
    ['the AKS application routing NGINX', [...LEGACY_INGRESS, 'ingress.className=webapprouting.kubernetes.azure.com'], ['app-routing-system']],
    ['HAProxy', [...LEGACY_INGRESS, 'ingress.controller=haproxy', 'ingress.className=haproxy'], ['haproxy-controller']],
  ])('%s', (_name, set, expected) => {
    const [traffic, ...rest] = httpRules(render(set));
    expect(namespaces(traffic!.from)).toEqual(expected);
    // Prometheus gets a rule of its own instead of being appended to the traffic's sources.
    expect(rest.map((rule) => namespaces(rule.from))).toEqual([['monitoring']]);
  });

  test.each([
    ['Application Gateway (AGIC)', [...LEGACY_INGRESS, 'ingress.controller=application-gateway']],
    ['Application Gateway for Containers', gateway('application-gateway-for-containers')],
    ['Cilium', gateway('cilium')],
    ['Traefik', gateway('traefik')],
    ['another Gateway API implementation', gateway('other', 'config.trustProxy=1')],
    ['an Ingress controller the chart does not know', [...LEGACY_INGRESS, 'ingress.controller=none', 'config.trustProxy=1']],
  ])('%s: no source can be derived, so the render names the setting to give', (_name, set) => {
    expect(renderError(set)).toMatch(/networkPolicy.ingressFrom: .* give the sources that reach the pods/);
    expect(httpRules(render([...set, 'networkPolicy.ingressFrom[0].ipBlock.cidr=10.1.0.0/24']))[0]!.from).toEqual([{ ipBlock: { cidr: '10.1.0.0/24' } }]);
  });

  test('ingressFrom: [] admits every source (no "from"), and metrics keep their own rule', () => {
    const rules = httpRules(render([], { valuesFiles: [minimalValues, `${repoRoot}tests/deploy/fixtures/values/good/open-ingress.yaml`] }));
    expect(rules[0]).toEqual({ ports: [{ port: 'http', protocol: 'TCP' }] });
    expect(rules).toHaveLength(1);
  });
});

describe('Gateway API is the default path; the Ingress is the legacy option', () => {
  test('the chart defaults render no Ingress and ask for the Gateway to attach to and its implementation', () => {
    const message = renderError([], { valuesFiles: [] });
    expect(message).toContain('httpRoute.gateway');
    expect(message).toContain('httpRoute.parentRefs');
    const rendered = render();
    expect(objects(rendered).filter((o) => o.kind === 'Ingress')).toEqual([]);
    expect(named(rendered, 'HTTPRoute', 'signal').apiVersion).toBe('gateway.networking.k8s.io/v1');
  });

  test('an HTTPRoute-only install takes hops, drain and NOTES from httpRoute.gateway, never from ingress.controller', () => {
    const envoy = render(gateway('envoy-gateway'));
    expect([trustProxy(envoy), ...drain(envoy)]).toEqual(['1', 5, 45]);
    expect(envoy.notes).toContain('Envoy Gateway');
    expect(envoy.notes).not.toContain('ingress-nginx');
    const agc = render(gateway('application-gateway-for-containers', 'networkPolicy.ingressFrom[0].ipBlock.cidr=10.2.0.0/24'));
    expect([trustProxy(agc), ...drain(agc)]).toEqual(['1', 15, 55]);
    expect(agc.notes).toContain('Application Gateway for Containers');
    expect(renderError(gateway('other', 'networkPolicy.ingressFrom=null'))).toMatch(/config.trustProxy: set the number of proxies/);
  });
});

const ciDir = `${signalChart}/ci`;
const ciFiles = readdirSync(ciDir).filter((f) => f.endsWith('.yaml')).sort();
const deployDoc = readFileSync(`${repoRoot}docs/deploy.md`, 'utf8');

describe('the values files under ci/', () => {
  const renders = new Map<string, Rendered>();
  beforeAll(() => {
    for (const file of ciFiles) renders.set(file, renderChart({ valuesFiles: [minimalValues, `${ciDir}/${file}`] }));
  });

  test('there is one for every documented controller and gateway, and docs/deploy.md names each', () => {
    expect(ciFiles).toEqual(
      expect.arrayContaining([
        'gateway-app-routing.yaml',
        'gateway-application-gateway-for-containers.yaml',
        'gateway-envoy.yaml',
        'gateway-istio.yaml',
        'ingress-application-gateway.yaml',
        'ingress-nginx.yaml',
      ]),
    );
    for (const file of ciFiles) expect(deployDoc).toContain(`ci/${file}`);
  });

  test('their objects have no unknown field (one tsc run for all)', () => {
    expect(unknownFieldProblems([...renders.values()].flatMap(objects))).toEqual([]);
  });

  test.each(ciFiles)('%s renders valid objects, routes exactly the public paths and admits named sources only', async (file) => {
    const rendered = renders.get(file)!;
    const list = objects(rendered);
    expect(await modelProblems(list)).toEqual([]);
    expect(monitoringProblems(list.filter(isCustomResource))).toEqual([]);
    expect(publicRoutes(rendered)).toEqual(ROUTED_SERVICES);
    expect(httpRules(rendered)[0]!.from?.length).toBeGreaterThan(0);
  });
});

describe('12. the session cookie is Secure: browsers send it over HTTPS only', () => {
  test('an Ingress without TLS: NOTES warns and names the two ways out', () => {
    const notes = render([...LEGACY_INGRESS]).notes;
    expect(notes).toMatch(/WARNING: the session cookie is Secure but the Ingress has no TLS/);
    expect(notes).toContain('ingress.tls');
    expect(notes).toContain('sessionCookie.secure=false');
    expect(render([...LEGACY_INGRESS, 'ingress.tls[0].secretName=tls', 'ingress.tls[0].hosts={a.example.com}']).notes).not.toContain('WARNING');
    expect(render([...LEGACY_INGRESS, 'sessionCookie.secure=false']).notes).not.toContain('WARNING');
  });

  test('an HTTPRoute: NOTES gives https URLs and says the Gateway must serve HTTPS for them', () => {
    const notes = render(['httpRoute.hostnames={signal.example.com}']).notes;
    expect(notes).toContain('https://signal.example.com/login');
    expect(notes).toMatch(/Gateway's listener for these hosts must serve HTTPS/);
    expect(render(['sessionCookie.secure=false']).notes).not.toMatch(/must serve HTTPS/);
  });
});
