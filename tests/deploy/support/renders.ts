/** The two renders every deploy test looks at, and typed accessors for what they contain. */
import type { KubeObject, Rendered, RenderOptions } from '../../../test-support/helm-render/index.ts';
import { RenderError, renderChart, repoRoot } from '../../../test-support/helm-render/index.ts';

export const productionValues = `${repoRoot}examples/production-values.yaml`;
/** The settings the chart requires (it refuses its bare defaults); tests render on top of them. */
export const minimalValues = `${repoRoot}tests/deploy/fixtures/values/minimal.yaml`;

export const RENDERS: Record<'minimal' | 'production', RenderOptions> = {
  minimal: { valuesFiles: [minimalValues] },
  production: { valuesFiles: [productionValues] },
};

/** Renders `--set` values on top of the required settings, unless `base` names other values files. */
export function render(set: string[] = [], base: RenderOptions = {}): Rendered {
  return renderChart({ valuesFiles: [minimalValues], ...base, set: [...(base.set ?? []), ...set] });
}

/** The message of a render that must fail; throws when it succeeds. */
export function renderError(set: string[], base: RenderOptions = {}): string {
  try {
    render(set, base);
  } catch (error) {
    if (error instanceof RenderError) return error.stderr;
    throw error;
  }
  throw new Error(`rendering with ${set.join(' ')} succeeded`);
}

export const SERVICES = ['session', 'signaling', 'ice'] as const;
export type ServiceName = (typeof SERVICES)[number];

export function objects(rendered: Rendered): KubeObject[] {
  return rendered.manifests.map((m) => m.object);
}

export function ofKind<T = KubeObject>(rendered: Rendered | KubeObject[], kind: string): (KubeObject & T)[] {
  const list = Array.isArray(rendered) ? rendered : objects(rendered);
  return list.filter((o) => o.kind === kind) as (KubeObject & T)[];
}

export function named<T = KubeObject>(rendered: Rendered | KubeObject[], kind: string, name: string): KubeObject & T {
  const found = ofKind<T>(rendered, kind).find((o) => o.metadata.name === name);
  if (found === undefined) throw new Error(`${kind}/${name} is not in the render`);
  return found;
}

/** The pod-level shape the policy tests read (a subset of the API's). */
export interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  ports?: { name: string; containerPort: number }[];
}

export interface Deployment {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: {
        serviceAccountName: string;
        securityContext?: Record<string, unknown>;
        terminationGracePeriodSeconds: number;
        topologySpreadConstraints?: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[];
        containers: Container[];
      };
    };
  };
}

export function containers(deployment: KubeObject & Deployment): Container[] {
  return deployment.spec.template.spec.containers;
}

/** True when every selector label is on the object: how Kubernetes matches matchLabels. */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** On top of the minimal values (a Gateway API HTTPRoute): the legacy Ingress instead, for ingress-nginx. */
export const LEGACY_INGRESS = ['httpRoute.enabled=false', 'ingress.enabled=true', 'ingress.controller=nginx', 'ingress.className=nginx'];

interface RouteObject {
  spec: {
    rules: ({ http: { paths: { path: string; backend: { service: { name: string } } }[] } } | { matches: { path: { value: string } }[]; backendRefs: { name: string }[] })[];
  };
}

/** The six public paths and the Service of the release each must reach. */
export const ROUTED_SERVICES: Record<string, string> = {
  '/login': 'signal-session',
  '/logout': 'signal-session',
  '/offer': 'signal-signaling',
  '/answer': 'signal-signaling',
  '/expire': 'signal-signaling',
  '/ice_servers': 'signal-ice',
};

/** Every public path the release's Ingresses and HTTPRoutes route, with the Service it goes to. */
export function publicRoutes(rendered: Rendered | KubeObject[]): Record<string, string> {
  const routes: Record<string, string> = {};
  const add = (path: string, service: string) => {
    if (routes[path] !== undefined && routes[path] !== service) throw new Error(`${path} goes to ${routes[path]} and ${service}`);
    routes[path] = service;
  };
  for (const route of [...ofKind<RouteObject>(rendered, 'Ingress'), ...ofKind<RouteObject>(rendered, 'HTTPRoute')]) {
    for (const rule of route.spec.rules) {
      if ('http' in rule) for (const p of rule.http.paths) add(p.path, p.backend.service.name);
      else for (const match of rule.matches) add(match.path.value, rule.backendRefs[0]!.name);
    }
  }
  return routes;
}
