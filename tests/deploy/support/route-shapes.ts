/**
 * Minimal schemas of the routing custom resources the chart renders: the Gateway API HTTPRoute
 * (gateway.networking.k8s.io/v1), Envoy Gateway's BackendTrafficPolicy
 * (gateway.envoyproxy.io/v1alpha1) and Istio's DestinationRule (networking.istio.io/v1), with
 * the fields their CRDs define for what the chart sets; unknown ones are rejected.
 */
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const metadata = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }, namespace: { type: 'string' }, labels: stringMap, annotations: stringMap },
};
const duration = { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' };
const strict = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, required, properties });
const object = (apiVersion: string, kind: string, spec: object) =>
  strict({ apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec }, ['apiVersion', 'kind', 'metadata', 'spec']);

const parentRef = strict(
  {
    group: { type: 'string' },
    kind: { type: 'string' },
    namespace: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    sectionName: { type: 'string' },
    port: { type: 'integer' },
  },
  ['name'],
);

export const httpRoute = object(
  'gateway.networking.k8s.io/v1',
  'HTTPRoute',
  strict(
    {
      parentRefs: { type: 'array', minItems: 1, maxItems: 32, items: parentRef },
      hostnames: { type: 'array', items: { type: 'string' } },
      rules: {
        type: 'array',
        minItems: 1,
        maxItems: 16,
        items: strict({
          name: { type: 'string' },
          matches: {
            type: 'array',
            maxItems: 64,
            items: strict({
              path: strict({ type: { enum: ['Exact', 'PathPrefix', 'RegularExpression'] }, value: { type: 'string', pattern: '^/' } }),
              queryParams: { type: 'array' },
              headers: { type: 'array' },
              method: { type: 'string' },
            }),
          },
          backendRefs: {
            type: 'array',
            items: strict({ group: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string', minLength: 1 }, namespace: { type: 'string' }, port: { type: 'integer', minimum: 1, maximum: 65535 }, weight: { type: 'integer' } }, ['name', 'port']),
          },
          timeouts: strict({ request: duration, backendRequest: duration }),
          filters: { type: 'array' },
        }),
      },
    },
    ['parentRefs', 'rules'],
  ),
);

const targetRef = strict({ group: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string', minLength: 1 }, sectionName: { type: 'string' } }, ['group', 'kind', 'name']);

export const backendTrafficPolicy = object(
  'gateway.envoyproxy.io/v1alpha1',
  'BackendTrafficPolicy',
  strict(
    {
      targetRefs: { type: 'array', minItems: 1, items: targetRef },
      loadBalancer: strict(
        {
          type: { enum: ['ConsistentHash', 'LeastRequest', 'Random', 'RoundRobin'] },
          consistentHash: strict(
            {
              type: { enum: ['SourceIP', 'Header', 'Headers', 'Cookie', 'QueryParams'] },
              queryParams: { type: 'array', minItems: 1, items: strict({ name: { type: 'string', minLength: 1 } }, ['name']) },
              tableSize: { type: 'integer' },
            },
            ['type'],
          ),
        },
        ['type'],
      ),
    },
    ['targetRefs'],
  ),
);

export const destinationRule = object(
  'networking.istio.io/v1',
  'DestinationRule',
  strict(
    {
      host: { type: 'string', minLength: 1 },
      exportTo: { type: 'array', items: { type: 'string' } },
      trafficPolicy: strict({
        loadBalancer: strict({
          consistentHash: strict({
            httpQueryParameterName: { type: 'string', minLength: 1 },
            ringHash: strict({ minimumRingSize: { type: 'integer' } }),
            maglev: strict({ tableSize: { type: 'integer' } }),
          }),
        }),
      }),
    },
    ['host'],
  ),
);
