/**
 * Minimal schemas of the custom resources the chart renders: the Prometheus Operator's
 * (ServiceMonitor, PrometheusRule, monitoring.coreos.com/v1) and the Secrets Store CSI driver's
 * SecretProviderClass (secrets-store.csi.x-k8s.io/v1), and the routing ones of route-shapes.ts. Neither kubernetes-models nor
 * kubernetes-types covers CRDs, so the fields their CRDs define are listed here, unknown ones rejected.
 */
import { Ajv } from 'ajv';
import type { KubeObject } from '../../../test-support/helm-render/index.ts';
import { describe } from './kube-validation.ts';
import { backendTrafficPolicy, destinationRule, httpRoute } from './route-shapes.ts';

const duration = { type: 'string', pattern: '^(0|([0-9]+(ms|s|m|h|d|w|y))+)$' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const labelSelector = {
  type: 'object',
  additionalProperties: false,
  properties: { matchLabels: stringMap, matchExpressions: { type: 'array', items: { type: 'object' } } },
};
const relabelings = { type: 'array', items: { type: 'object' } };
const metadata = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }, namespace: { type: 'string' }, labels: stringMap, annotations: stringMap },
};

const endpoint = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['port'] }, { required: ['targetPort'] }],
  properties: {
    port: { type: 'string', minLength: 1 },
    targetPort: { type: ['string', 'integer'] },
    path: { type: 'string', pattern: '^/' },
    scheme: { enum: ['http', 'https', 'HTTP', 'HTTPS'] },
    params: { type: 'object' },
    interval: duration,
    scrapeTimeout: duration,
    honorLabels: { type: 'boolean' },
    honorTimestamps: { type: 'boolean' },
    trackTimestampsStaleness: { type: 'boolean' },
    tlsConfig: { type: 'object' },
    authorization: { type: 'object' },
    basicAuth: { type: 'object' },
    oauth2: { type: 'object' },
    bearerTokenSecret: { type: 'object' },
    relabelings,
    metricRelabelings: relabelings,
    proxyUrl: { type: 'string' },
    followRedirects: { type: 'boolean' },
    enableHttp2: { type: 'boolean' },
    filterRunning: { type: 'boolean' },
  },
};

const serviceMonitor = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { enum: ['monitoring.coreos.com/v1', 'azmonitoring.coreos.com/v1'] },
    kind: { const: 'ServiceMonitor' },
    metadata,
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['selector', 'endpoints'],
      properties: {
        selector: labelSelector,
        namespaceSelector: {
          type: 'object',
          additionalProperties: false,
          properties: { any: { type: 'boolean' }, matchNames: { type: 'array', items: { type: 'string' } } },
        },
        endpoints: { type: 'array', minItems: 1, items: endpoint },
        jobLabel: { type: 'string' },
        targetLabels: { type: 'array', items: { type: 'string' } },
        podTargetLabels: { type: 'array', items: { type: 'string' } },
        sampleLimit: { type: 'integer', minimum: 0 },
        targetLimit: { type: 'integer', minimum: 0 },
        attachMetadata: { type: 'object' },
        scrapeClass: { type: 'string' },
      },
    },
  },
};

const rule = {
  type: 'object',
  additionalProperties: false,
  required: ['expr'],
  oneOf: [{ required: ['record'] }, { required: ['alert'] }],
  properties: {
    record: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' },
    alert: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
    expr: { type: ['string', 'integer'], minLength: 1 },
    for: duration,
    keep_firing_for: duration,
    labels: stringMap,
    annotations: stringMap,
  },
};

const prometheusRule = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'PrometheusRule' },
    metadata,
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['groups'],
      properties: {
        groups: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'rules'],
            properties: {
              name: { type: 'string', minLength: 1 },
              interval: duration,
              query_offset: duration,
              limit: { type: 'integer', minimum: 0 },
              partial_response_strategy: { type: 'string' },
              labels: stringMap,
              rules: { type: 'array', minItems: 1, items: rule },
            },
          },
        },
      },
    },
  },
};

const secretProviderClass = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'secrets-store.csi.x-k8s.io/v1' },
    kind: { const: 'SecretProviderClass' },
    metadata,
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['provider', 'parameters'],
      properties: {
        provider: { type: 'string', minLength: 1 },
        parameters: stringMap,
        secretObjects: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['secretName', 'type', 'data'],
            properties: {
              secretName: { type: 'string', minLength: 1 },
              type: { type: 'string' },
              labels: stringMap,
              annotations: stringMap,
              data: {
                type: 'array',
                items: { type: 'object', additionalProperties: false, required: ['objectName', 'key'], properties: { objectName: { type: 'string' }, key: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
const validators: Record<string, ReturnType<typeof ajv.compile>> = {
  ServiceMonitor: ajv.compile(serviceMonitor),
  PrometheusRule: ajv.compile(prometheusRule),
  SecretProviderClass: ajv.compile(secretProviderClass),
  HTTPRoute: ajv.compile(httpRoute),
  BackendTrafficPolicy: ajv.compile(backendTrafficPolicy),
  DestinationRule: ajv.compile(destinationRule),
};

/** Problems of each monitoring.coreos.com object, including duplicate rule group names. */
export function monitoringProblems(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const validate = validators[object.kind];
    if (validate === undefined) {
      problems.push(`${describe(object)}: no shape known for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    if (!validate(object)) {
      for (const e of validate.errors ?? []) problems.push(`${describe(object)}: ${e.instancePath} ${e.message ?? ''}`);
    }
    if (object.kind === 'PrometheusRule') {
      const names = ((object.spec as { groups?: { name?: string }[] }).groups ?? []).map((g) => g.name);
      const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
      if (duplicated.length > 0) problems.push(`${describe(object)}: duplicate group names ${duplicated.join(', ')}`);
    }
  }
  return problems;
}
