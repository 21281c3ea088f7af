/** What the chart's options do to the render, and the combinations it refuses. */
import type { KubeObject } from '../../test-support/helm-render/index.ts';
import { helmRenderBinary, renderChart } from '../../test-support/helm-render/index.ts';
import type { Deployment, ServiceName } from './support/renders.ts';
import { containers, LEGACY_INGRESS, named, ofKind, render, renderError, RENDERS, SERVICES } from './support/renders.ts';

// On a fresh machine the first build installs Go from apt: longer than a test's timeout.
beforeAll(() => {
  helmRenderBinary();
}, 600_000);

function deployment(set: string[], service: ServiceName) {
  return named<Deployment>(render(set), 'Deployment', `signal-${service}`);
}

function secretRefs(objects: KubeObject[], service: ServiceName) {
  const [container] = containers(named<Deployment>(objects, 'Deployment', `signal-${service}`));
  return Object.fromEntries((container!.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom!.secretKeyRef]));
}

function configMap(objects: KubeObject[], name: string): Record<string, string> {
  return (named(objects, 'ConfigMap', name) as KubeObject & { data: Record<string, string> }).data;
}

const ALL_SECRETS = [
  'session.auth.jwksUrl=',
  'secrets.jwtSecret.value=jwt-secret-of-at-least-thirty-two-bytes',
  'secrets.turnSecret.existingSecret=',
  'secrets.turnSecret.value=turn',
  'secrets.wakeupSecret.existingSecret=',
  'secrets.wakeupSecret.value=a-wakeup-secret-of-more-than-thirty-two-chars',
  'secrets.cosmosKey.value=cosmos',
  'secrets.serviceBusConnectionString.value=Endpoint=sb://x/',
];

describe('secrets', () => {
  test('given as values, they land in one Secret and each service reads only the ones it uses', () => {
    const objects = render(ALL_SECRETS).manifests.map((m) => m.object);
    const [secret] = ofKind<{ data: Record<string, string> }>(objects, 'Secret');
    expect(Buffer.from(secret!.data.TURN_SECRET!, 'base64').toString()).toBe('turn');
    expect(Buffer.from(secret!.data.SERVICEBUS_CONNECTION_STRING!, 'base64').toString()).toBe('Endpoint=sb://x/');
    const shared = ['COSMOS_KEY', 'SERVICEBUS_CONNECTION_STRING'];
    const expected: Record<ServiceName, string[]> = {
      session: [...shared, 'AUTH_JWT_SECRET'],
      signaling: [...shared, 'WAKEUP_SECRET'],
      ice: [...shared, 'TURN_SECRET'],
    };
    for (const service of SERVICES) {
      const refs = secretRefs(objects, service);
      expect(Object.keys(refs).sort()).toEqual([...expected[service]].sort());
      for (const [variable, ref] of Object.entries(refs)) expect(ref).toEqual({ name: 'signal', key: variable });
    }
  });

  test('given by reference, no Secret is created and pods read the named Secret and key', () => {
    const objects = render(['secrets.turnSecret.existingSecret=from-key-vault', 'secrets.turnSecret.key=turn']).manifests.map((m) => m.object);
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(secretRefs(objects, 'ice')).toEqual({ TURN_SECRET: { name: 'from-key-vault', key: 'turn' } });
  });

  test('a value and a reference for the same secret are refused', () => {
    expect(renderError(['secrets.cosmosKey.value=k', 'secrets.cosmosKey.existingSecret=s'])).toMatch(
      /secrets.cosmosKey: set one of value, existingSecret or keyVault, not value and existingSecret/,
    );
  });
});

describe('rolling on change', () => {
  const checksums = (set: string[]) => deployment(set, 'signaling').spec.template.metadata.annotations!;

  test('a config change or a secret change alters the pod template; a replica change does not', () => {
    const base = checksums([]);
    expect(checksums(['sessionCookie.ttlSeconds=3600'])['checksum/config']).not.toBe(base['checksum/config']);
    expect(checksums(['secrets.cosmosKey.value=a'])['checksum/secret']).not.toBe(checksums(['secrets.cosmosKey.value=b'])['checksum/secret']);
    expect(checksums(['signaling.autoscaling.maxReplicas=12'])).toEqual(base);
  });
});

describe('service settings', () => {
  test('ice settings stay with the ice service (a TURN_URLS without TURN_SECRET stops the others)', () => {
    const objects = render(['ice.turn.urls={turns:turn.example.com:443}', 'ice.transportPolicy=relay']).manifests.map((m) => m.object);
    expect(configMap(objects, 'signal-ice')).toMatchObject({ TURN_URLS: 'turns:turn.example.com:443', ICE_TRANSPORT_POLICY: 'relay' });
    for (const name of ['signal', 'signal-session', 'signal-signaling']) expect(configMap(objects, name)).not.toHaveProperty('TURN_URLS');
  });

  test('integers stay integers in environment variables, however large', () => {
    const objects = render(['signaling.longPoll.maxPerReplica=1000000'], { valuesFiles: RENDERS.production.valuesFiles! });
    expect(configMap(objects.manifests.map((m) => m.object), 'signal-signaling').LONGPOLL_MAX_PER_REPLICA).toBe('1000000');
  });

  test('per-service env adds variables to that service only', () => {
    expect(containers(deployment(['ice.env.NODE_OPTIONS=--max-old-space-size=200'], 'ice'))[0]!.env).toContainEqual({
      name: 'NODE_OPTIONS',
      value: '--max-old-space-size=200',
    });
    expect(containers(deployment(['ice.env.NODE_OPTIONS=x'], 'session'))[0]!.env?.map((e) => e.name)).not.toContain('NODE_OPTIONS');
  });

  test('without autoscaling the Deployment sets its replicas and no HPA is rendered', () => {
    const objects = render(['session.autoscaling.enabled=false', 'session.replicaCount=4']).manifests.map((m) => m.object);
    expect(named<Deployment>(objects, 'Deployment', 'signal-session').spec.replicas).toBe(4);
    expect(ofKind(objects, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).toEqual(['signal-signaling', 'signal-ice']);
  });

  test('a digest pins the image; the tag "latest" is refused', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(containers(deployment([`ice.image.digest=${digest}`, 'image.registry=acr.example.io'], 'ice'))[0]!.image).toBe(
      `acr.example.io/sme-connect/signal-ice@${digest}`,
    );
    // values.schema.json refuses it first; the template refuses it too when the schema is skipped.
    expect(renderError(['image.tag=latest'])).toMatch(/\/image\/tag: must NOT be valid/);
    expect(renderError(['image.tag=latest'], { skipSchemaValidation: true })).toMatch(/the image tag "latest" is not deployable/);
  });

  test('tracing adds the OTLP settings and the pod identity as resource attributes', () => {
    const objects = render(['tracing.enabled=true', 'tracing.otlpEndpoint=http://collector:4318']).manifests.map((m) => m.object);
    expect(configMap(objects, 'signal')).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' });
    const env = containers(named<Deployment>(objects, 'Deployment', 'signal-ice'))[0]!.env!;
    expect(env.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES')?.value).toBe(
      'k8s.namespace.name=$(POD_NAMESPACE),k8s.pod.name=$(POD_NAME),k8s.deployment.name=signal-ice',
    );
  });
});

describe('refused combinations', () => {
  test.each([
    [['terminationGracePeriodSeconds=30'], /terminationGracePeriodSeconds \(30\) must exceed preStopDelaySeconds \+ signaling.longPoll.maxSeconds \(30\)/],
    [['signaling.longPoll.maxSeconds=60', 'terminationGracePeriodSeconds=45'], /must exceed .* \(65\)/],
    [['ingress.timeoutSeconds=29'], /ingress.timeoutSeconds \(29\) must be at least signaling.longPoll.maxSeconds \+ 5 \(30\)/],
    [['workloadIdentity.clientId='], /workloadIdentity.clientId is required/],
    [['tracing.enabled=true'], /tracing.otlpEndpoint is required/],
    [['serviceAccount.create=false'], /serviceAccount.name is required when serviceAccount.create is false/],
  ])('%j', (set, message) => {
    expect(renderError(set)).toMatch(message);
  });
});

describe('ingress', () => {
  type IngressObject = KubeObject & { spec: { ingressClassName?: string; tls?: unknown[]; rules: { host?: string }[] } };
  const ingress = (set: string[], setString: string[] = []) =>
    named<IngressObject>(render([...LEGACY_INGRESS, 'networkPolicy.ingressFrom[0].ipBlock.cidr=10.1.0.0/24', ...set], { setString }), 'Ingress', 'signal');

  test('ingress-nginx gets read and send timeouts above the long-poll maximum', () => {
    expect(ingress([]).metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '60',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '60',
    });
  });

  test('Application Gateway gets a request timeout, connection draining and the readiness path', () => {
    const appgw = ingress([
      'ingress.controller=application-gateway',
      'ingress.className=azure-application-gateway',
      'ingress.timeoutSeconds=90',
      'ingress.hosts={signal.example.com}',
      'ingress.tls[0].secretName=tls',
      'ingress.tls[0].hosts={signal.example.com}',
    ], ['ingress.annotations.appgw\\.ingress\\.kubernetes\\.io/connection-draining-timeout=120']);
    expect(appgw.spec.ingressClassName).toBe('azure-application-gateway');
    expect(appgw.spec.rules.map((r) => r.host)).toEqual(['signal.example.com']);
    expect(appgw.spec.tls).toEqual([{ secretName: 'tls', hosts: ['signal.example.com'] }]);
    expect(appgw.metadata.annotations).toEqual({
      'appgw.ingress.kubernetes.io/request-timeout': '90',
      'appgw.ingress.kubernetes.io/connection-draining': 'true',
      'appgw.ingress.kubernetes.io/connection-draining-timeout': '120',
      'appgw.ingress.kubernetes.io/health-probe-path': '/readyz',
      'appgw.ingress.kubernetes.io/ssl-redirect': 'true',
    });
  });

  test('one rule per host, and no Ingress when disabled', () => {
    expect(ingress(['ingress.hosts={a.example.com,b.example.com}']).spec.rules.map((r) => r.host)).toEqual(['a.example.com', 'b.example.com']);
    expect(ofKind(render(['ingress.enabled=false']), 'Ingress')).toEqual([]);
  });
});

describe('NOTES.txt', () => {
  test('shows the public URLs of the production example and no warning', () => {
    const production = renderChart(RENDERS.production).notes;
    expect(production).toContain('https://signal.connect.contoso.com/login /logout /offer /answer /expire /ice_servers');
    expect(production).not.toContain('WARNING');
  });
});

describe('wake-ups between signaling pods', () => {
  type Policy = { spec: { ingress: { ports: { port: string | number }[]; from?: { podSelector?: { matchLabels: Record<string, string> } }[] }[] } };

  test('signaling pods get the port, their pod IP to advertise, the secret, and a policy that admits only signaling pods', () => {
    const rendered = render();
    const signaling = containers(named<Deployment>(rendered, 'Deployment', 'signal-signaling'))[0]!;
    expect(signaling.ports).toContainEqual({ name: 'wakeup', containerPort: 8081, protocol: 'TCP' });
    expect(signaling.env).toContainEqual({ name: 'WAKEUP_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(signaling.env).toContainEqual({ name: 'WAKEUP_SECRET', valueFrom: { secretKeyRef: { name: 'signal-wakeup', key: 'WAKEUP_SECRET' } } });
    expect(named<{ data: Record<string, string> }>(rendered, 'ConfigMap', 'signal-signaling').data).toMatchObject({ WAKEUP_PORT: '8081' });
    const policy = named<Policy>(rendered, 'NetworkPolicy', 'signal-signaling');
    const wakeup = policy.spec.ingress.find((rule) => rule.ports.some((port) => port.port === 'wakeup'))!;
    expect(wakeup.from).toEqual([{ podSelector: { matchLabels: named<Deployment>(rendered, 'Deployment', 'signal-signaling').spec.selector.matchLabels } }]);
    for (const service of ['session', 'ice'] as const) {
      const container = containers(named<Deployment>(rendered, 'Deployment', `signal-${service}`))[0]!;
      expect(container.env?.map((env) => env.name)).not.toEqual(expect.arrayContaining(['WAKEUP_HOST', 'WAKEUP_SECRET']));
      expect(new Set(named<Policy>(rendered, 'NetworkPolicy', `signal-${service}`).spec.ingress.flatMap((rule) => rule.ports.map((port) => port.port)))).toEqual(new Set(['http']));
    }
  });

  test('without the shared secret the chart does not render, and names it', () => {
    expect(renderError(['secrets.wakeupSecret.existingSecret='])).toContain('secrets.wakeupSecret');
  });
});
