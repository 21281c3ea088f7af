/**
 * signaling.roomAffinity: the signaling paths get a route of their own that the chosen controller
 * hashes on the `room` query parameter, so every request of a room reaches one signaling replica;
 * session and ice stay as they were. Controllers that cannot hash on a query parameter refuse it.
 */
import type { KubeObject, Rendered } from '../../test-support/helm-render/index.ts';
import { helmRenderBinary } from '../../test-support/helm-render/index.ts';
import { LEGACY_INGRESS, named, objects, ofKind, publicRoutes, render, renderError, ROUTED_SERVICES } from './support/renders.ts';

beforeAll(() => {
  helmRenderBinary();
}, 600_000);

const AFFINITY = 'signaling.roomAffinity=true';
const SIGNALING_PATHS = ['/answer', '/expire', '/offer'];
const OTHER_PATHS = ['/ice_servers', '/login', '/logout'];

/** The paths each route object serves, by object name. */
function pathsByRoute(rendered: Rendered, kind: 'Ingress' | 'HTTPRoute'): Record<string, string[]> {
  return Object.fromEntries(ofKind(rendered, kind).map((route) => [route.metadata.name, Object.keys(publicRoutes([route])).sort()]));
}
const annotations = (rendered: Rendered, name: string) => named(rendered, 'Ingress', name).metadata.annotations ?? {};
const configMap = (rendered: Rendered, name: string) => (named(rendered, 'ConfigMap', name) as KubeObject & { data: Record<string, string> }).data;

test('off by default: one route for the six paths, no hashing configuration, POSTs without ?room still served', () => {
  const rendered = render(['httpRoute.gateway=envoy-gateway']);
  expect(pathsByRoute(rendered, 'HTTPRoute')).toEqual({ signal: [...SIGNALING_PATHS, ...OTHER_PATHS].sort() });
  expect(objects(rendered).filter((o) => ['BackendTrafficPolicy', 'DestinationRule'].includes(o.kind))).toEqual([]);
  expect(configMap(rendered, 'signal-signaling')).not.toHaveProperty('ROOM_PARAM_REQUIRED');
});

describe('with room affinity, the signaling paths are a route of their own, hashed on ?room', () => {
  test('Envoy Gateway: a BackendTrafficPolicy with consistent hashing on the room query parameter, on the signaling HTTPRoute only', () => {
    const rendered = render(['httpRoute.gateway=envoy-gateway', AFFINITY]);
    expect(pathsByRoute(rendered, 'HTTPRoute')).toEqual({ signal: OTHER_PATHS, 'signal-signaling': SIGNALING_PATHS });
    expect(publicRoutes(rendered)).toEqual(ROUTED_SERVICES);
    const [policy, ...others] = ofKind<{ spec: unknown }>(rendered, 'BackendTrafficPolicy');
    expect(others).toEqual([]);
    expect(policy!.apiVersion).toBe('gateway.envoyproxy.io/v1alpha1');
    expect(policy!.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'signal-signaling' }],
      loadBalancer: { type: 'ConsistentHash', consistentHash: { type: 'QueryParams', queryParams: [{ name: 'room' }] } },
    });
  });

  test('Istio: a DestinationRule hashing on httpQueryParameterName room for the signaling Service', () => {
    const rendered = render(['httpRoute.gateway=istio', AFFINITY]);
    expect(pathsByRoute(rendered, 'HTTPRoute')).toEqual({ signal: OTHER_PATHS, 'signal-signaling': SIGNALING_PATHS });
    const [rule, ...others] = ofKind<{ spec: unknown }>(rendered, 'DestinationRule');
    expect(others).toEqual([]);
    expect(rule!.apiVersion).toBe('networking.istio.io/v1');
    expect(rule!.spec).toEqual({
      host: 'signal-signaling.signal.svc.cluster.local',
      trafficPolicy: { loadBalancer: { consistentHash: { httpQueryParameterName: 'room' } } },
    });
  });

  test('ingress-nginx: upstream-hash-by "$arg_room" on the signaling Ingress only, never on session or ice', () => {
    const rendered = render([...LEGACY_INGRESS, AFFINITY]);
    expect(pathsByRoute(rendered, 'Ingress')).toEqual({ signal: OTHER_PATHS, 'signal-signaling': SIGNALING_PATHS });
    expect(annotations(rendered, 'signal-signaling')['nginx.ingress.kubernetes.io/upstream-hash-by']).toBe('$arg_room');
    expect(annotations(rendered, 'signal')).not.toHaveProperty('nginx.ingress.kubernetes.io/upstream-hash-by');
    expect(annotations(rendered, 'signal-signaling')['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('60');
  });

  test('HAProxy: balance url_param room with consistent hashing, on the signaling Ingress only', () => {
    const rendered = render([...LEGACY_INGRESS, 'ingress.controller=haproxy', 'ingress.className=haproxy', AFFINITY]);
    expect(annotations(rendered, 'signal-signaling')).toMatchObject({
      'haproxy.org/load-balance': 'url_param room',
      'haproxy.org/backend-config-snippet': 'hash-type consistent',
    });
    expect(annotations(rendered, 'signal')).not.toHaveProperty('haproxy.org/load-balance');
  });

  test('signaling answers POSTs without ?room with 400: a hash ring would send every key-less request to one pod', () => {
    const rendered = render(['httpRoute.gateway=envoy-gateway', AFFINITY]);
    expect(configMap(rendered, 'signal-signaling').ROOM_PARAM_REQUIRED).toBe('true');
    expect(rendered.notes).toContain('POSTs without ?room=<room uuid> are answered 400');
    for (const name of ['signal', 'signal-session', 'signal-ice']) expect(configMap(rendered, name)).not.toHaveProperty('ROOM_PARAM_REQUIRED');
  });
});

describe('controllers that cannot hash on a query parameter refuse it in one line', () => {
  test.each([
    ['Application Gateway (AGIC)', [...LEGACY_INGRESS, 'ingress.controller=application-gateway', 'networkPolicy.enabled=false']],
    ['Application Gateway for Containers', ['httpRoute.gateway=application-gateway-for-containers', 'networkPolicy.enabled=false']],
    ['Cilium', ['httpRoute.gateway=cilium', 'networkPolicy.enabled=false']],
    ['Traefik', ['httpRoute.gateway=traefik', 'networkPolicy.enabled=false']],
    ['the AKS application routing Gateway API', ['httpRoute.gateway=app-routing']],
  ])('%s', (title, set) => {
    const message = renderError([...set, AFFINITY]);
    const reason = /error calling fail: (.*)$/s.exec(message)?.[1] ?? message;
    expect(reason).toBe(
      `signaling.roomAffinity: ${title} cannot hash requests on the room query parameter; turn it off (routing works without it) or use Envoy Gateway, Istio, ingress-nginx or HAProxy`,
    );
    expect(() => render(set)).not.toThrow();
  });
});
