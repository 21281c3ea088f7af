/** What the HPAs scale on (issue 13): CPU by default, open long-polls for signaling when asked. */
import { helmRenderBinary } from '../../test-support/helm-render/index.ts';
import { named, render, SERVICES } from './support/renders.ts';

beforeAll(() => {
  helmRenderBinary();
}, 600_000);

interface Hpa {
  spec: { metrics: Array<{ type: string; resource?: { name: string }; pods?: { metric: { name: string }; target: { type: string; averageValue: string } } }> };
}

test('every HPA scales on CPU only by default', () => {
  const rendered = render();
  for (const service of SERVICES) {
    expect(named<Hpa>(rendered, 'HorizontalPodAutoscaler', `signal-${service}`).spec.metrics.map((m) => m.resource?.name ?? m.type)).toEqual(['cpu']);
  }
});

test('signaling.autoscaling.waitingLongPollsPerPod adds open long-polls per pod as a Pods metric', () => {
  const rendered = render(['signaling.autoscaling.waitingLongPollsPerPod=3000']);
  const metrics = named<Hpa>(rendered, 'HorizontalPodAutoscaler', 'signal-signaling').spec.metrics;
  expect(metrics.find((m) => m.type === 'Pods')?.pods).toEqual({ metric: { name: 'signal_longpoll_waiters' }, target: { type: 'AverageValue', averageValue: '3000' } });
  expect(named<Hpa>(rendered, 'HorizontalPodAutoscaler', 'signal-session').spec.metrics.map((m) => m.type)).toEqual(['Resource']);
});
