/**
 * What an upgrade restarts or rescales: turning autoscaling on keeps the running replica count, a
 * chart or app version bump alone restarts nothing (pod templates carry no version labels,
 * selectors never change), and a secret restarts only the services that read it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rendered } from '../../test-support/helm-render/index.ts';
import { helmRenderBinary, repoRoot, signalChart } from '../../test-support/helm-render/index.ts';
import type { Deployment, ServiceName } from './support/renders.ts';
import { named, ofKind, render, SERVICES } from './support/renders.ts';

beforeAll(() => {
  helmRenderBinary();
}, 600_000);

const VERSION_LABELS = ['helm.sh/chart', 'app.kubernetes.io/version'];
const deployment = (rendered: Rendered, service: ServiceName) => named<Deployment>(rendered, 'Deployment', `signal-${service}`);

describe('9. turning autoscaling on for a running release', () => {
  /** signaling as a release without autoscaling left it: 6 replicas. */
  const running = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'signal-signaling', namespace: 'signal' }, spec: { replicas: 6 } }];

  test('keeps the live replica count instead of dropping spec.replicas (which resets the Deployment to 1)', () => {
    expect(deployment(render([], { clusterObjects: running }), 'signaling').spec.replicas).toBe(6);
    // A first install, or a render without a cluster (helm template): the HPA's business alone.
    expect(deployment(render([]), 'signaling').spec.replicas).toBeUndefined();
    expect(deployment(render(['signaling.autoscaling.enabled=false', 'signaling.replicaCount=3'], { clusterObjects: running }), 'signaling').spec.replicas).toBe(3);
  });

  test('docs/deploy.md gives the safe sequence, also for renders without cluster access', () => {
    const upgrade = /\n## Upgrade\n([\s\S]*?)\n## /.exec(readFileSync(`${repoRoot}docs/deploy.md`, 'utf8'))?.[1] ?? '';
    expect(upgrade).toMatch(/Turning autoscaling on/);
    expect(upgrade).toMatch(/kubectl apply edit-last-applied/);
  });
});

describe('10. a chart bump restarts no pod', () => {
  let bumped: string;
  beforeAll(() => {
    bumped = mkdtempSync(join(tmpdir(), 'signal-chart-'));
    cpSync(signalChart, bumped, { recursive: true });
    const chartYaml = readFileSync(join(bumped, 'Chart.yaml'), 'utf8');
    writeFileSync(join(bumped, 'Chart.yaml'), chartYaml.replace(/^version: .*$/m, 'version: 99.0.0').replace(/^appVersion: .*$/m, 'appVersion: "9.9.9"'));
  });
  afterAll(() => rmSync(bumped, { recursive: true, force: true }));

  test('pod templates and selectors are identical across chart and app versions (the image tag pinned)', () => {
    const before = render(['image.tag=1.0.0']);
    const after = render(['image.tag=1.0.0'], { chart: bumped });
    for (const service of SERVICES) {
      expect(deployment(after, service).spec.template).toEqual(deployment(before, service).spec.template);
      expect(deployment(after, service).spec.selector).toEqual(deployment(before, service).spec.selector);
      expect(deployment(after, service).metadata.labels?.['helm.sh/chart']).toBe('signal-99.0.0');
    }
  });

  test('the version labels stay on the objects themselves, never on pods', () => {
    const rendered = render();
    for (const object of ofKind<Deployment>(rendered, 'Deployment')) {
      for (const label of VERSION_LABELS) {
        expect(object.metadata.labels).toHaveProperty([label]);
        expect(object.spec.template.metadata.labels).not.toHaveProperty([label]);
      }
    }
  });
});

describe("11. a secret restarts only the services that read it", () => {
  const checksums = (set: string[]) => Object.fromEntries(SERVICES.map((s) => [s, deployment(render(set), s).spec.template.metadata.annotations!['checksum/secret']]));
  const VALUES = ['secrets.turnSecret.existingSecret=', 'secrets.cosmosKey.value=cosmos-a'];

  test('the TURN secret rolls ice only', () => {
    const before = checksums([...VALUES, 'secrets.turnSecret.value=turn-a']);
    const after = checksums([...VALUES, 'secrets.turnSecret.value=turn-b']);
    expect(after.ice).not.toBe(before.ice);
    expect([after.session, after.signaling]).toEqual([before.session, before.signaling]);
  });

  test('a secret every service reads rolls all three; a rotation revision too', () => {
    const before = checksums([...VALUES, 'secrets.turnSecret.value=turn-a']);
    const rotated = checksums(['secrets.turnSecret.existingSecret=', 'secrets.cosmosKey.value=cosmos-b', 'secrets.turnSecret.value=turn-a']);
    const revised = checksums([...VALUES, 'secrets.turnSecret.value=turn-a', 'secretRotation.revision=r2']);
    for (const service of SERVICES) {
      expect(rotated[service]).not.toBe(before[service]);
      expect(revised[service]).not.toBe(before[service]);
    }
  });
});
