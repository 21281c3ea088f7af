/**
 * Two replicas in their own processes under the tracing preload: a wake-up sent inside a span
 * reaches the other replica as an HTTP request whose server span (Node's HTTP instrumentation)
 * is a child of the sender's `wakeup send` client span, in the sender's trace.
 */
import { OTLP_SPAN_KIND, startOtlpReceiver, type OtlpReceiver } from '../../../../test-support/otlp/otlp-receiver.ts';
import { TRACING_PRELOAD } from '../../../../tests/observability/support/all-in-one.ts';
import { startWakeupReplica, type WakeupReplicaProcess } from '../../../../tests/security/support/wakeup-replica-process.ts';

let collector: OtlpReceiver;
const replicas: WakeupReplicaProcess[] = [];

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  await collector?.close();
});

test('the trace context of a wake-up crosses to the woken replica', async () => {
  collector = await startOtlpReceiver();
  const tracing = (pod: string) => ({
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.tracesEndpoint,
    OTEL_SERVICE_NAME: 'signal-signaling',
    OTEL_RESOURCE_ATTRIBUTES: `k8s.pod.name=${pod}`,
  });
  const [sender, woken] = [await startWakeupReplica(tracing('sender'), TRACING_PRELOAD), await startWakeupReplica(tracing('woken'), TRACING_PRELOAD)];
  replicas.push(sender, woken);
  await sender.wake(woken.address);
  expect(await woken.ask('received')).toEqual({ received: 1 });
  await Promise.all(replicas.splice(0).map((replica) => replica.stop()));

  const spans = collector.spans();
  const send = spans.find((span) => span.name === 'wakeup send');
  const served = spans.find((span) => span.kind === OTLP_SPAN_KIND.server && span.resource['k8s.pod.name'] === 'woken');
  expect(send).toMatchObject({ kind: OTLP_SPAN_KIND.client, resource: { 'k8s.pod.name': 'sender' } });
  expect(served).toMatchObject({ traceId: send!.traceId, parentSpanId: send!.spanId });
}, 60_000);
