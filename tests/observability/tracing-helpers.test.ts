/**
 * The helpers application code calls, against the real SDK started in-process with an
 * in-memory exporter: span shape, error recording, attribute hygiene, log ids, and the
 * traceparent round trip a Service Bus message makes between replicas.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, SpanStatusCode, trace, type ProxyTracerProvider } from '@opentelemetry/api';
import {
  currentTraceIds,
  injectTraceparent,
  shutdownTracing,
  tracingRequested,
  withRemoteParent,
  withSpan,
} from '../../libs/common/src/observability/tracing.ts';
import { defaultServiceName, startTracing } from '../../libs/common/src/observability/tracing-sdk.ts';

const exporter = new InMemorySpanExporter();
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

beforeAll(() => {
  startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
});
afterAll(async () => {
  await shutdownTracing();
});
beforeEach(() => exporter.reset());

/** Ended spans reach the exporter only once the resource detectors settle, so flush before reading. */
async function exported(): Promise<ReadableSpan[]> {
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as unknown as { forceFlush(): Promise<void> };
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

async function finished(name: string): Promise<ReadableSpan> {
  const spans = (await exported()).filter((span) => span.name === name);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('withSpan', () => {
  test('returns the result, ends the span, keeps safe attributes and drops secrets and SDP bodies', async () => {
    const result = await withSpan(
      'sdp.get',
      {
        'signal.store': 'cosmos',
        'signal.sdp.type': 'answer',
        'db.cosmosdb.request_charge': 1,
        'signal.found': true,
        sdp: 'v=0...',
        'turn.credential': 'abc',
        'session.token': 'x',
        'http.cookie': 'sess1=2',
        'signal.blob': 'x'.repeat(201),
        'signal.answer': 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n',
      },
      async () => 42,
      'client',
    );
    expect(result).toBe(42);
    const span = await finished('sdp.get');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      'signal.store': 'cosmos',
      'signal.sdp.type': 'answer',
      'db.cosmosdb.request_charge': 1,
      'signal.found': true,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  test('a rejection is recorded on the span and rethrown unchanged', async () => {
    const failure = new Error('cosmos unavailable');
    failure.name = 'DependencyUnavailableError';
    await expect(withSpan('session.get', {}, async () => Promise.reject(failure))).rejects.toBe(failure);
    const span = await finished('session.get');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'DependencyUnavailableError' });
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
  });

  test('nested spans form a tree, and currentTraceIds names the innermost one', async () => {
    expect(currentTraceIds()).toBeUndefined();
    const seen = await withSpan('outer', {}, async () =>
      withSpan('inner', {}, async (span) => ({ ids: currentTraceIds(), own: span.spanContext() })),
    );
    const outer = await finished('outer');
    const inner = await finished('inner');
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(seen.ids).toEqual({ trace_id: seen.own.traceId, span_id: seen.own.spanId });
    expect(seen.ids?.span_id).toBe(inner.spanContext().spanId);
  });
});

describe('traceparent through a bus message', () => {
  test('the receiving side continues the publishing trace', async () => {
    expect(injectTraceparent()).toBeUndefined();
    const traceparent = await withSpan('bus.publish sdp.posted', {}, async () => injectTraceparent(), 'producer');
    expect(traceparent).toMatch(TRACEPARENT);

    // Delivered from a context that knows nothing of the publisher, as on another replica.
    await withRemoteParent(undefined, () =>
      withRemoteParent(traceparent, () => withSpan('bus.receive sdp.posted', {}, async () => undefined, 'consumer')),
    );
    const publish = await finished('bus.publish sdp.posted');
    const receive = await finished('bus.receive sdp.posted');
    expect(receive.kind).toBe(SpanKind.CONSUMER);
    expect(receive.spanContext().traceId).toBe(publish.spanContext().traceId);
    expect(receive.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(receive.parentSpanContext?.isRemote).toBe(true);
  });

  test.each([
    ['missing', undefined],
    ['malformed', 'not-a-traceparent'],
  ])('a %s traceparent starts a new trace', async (_case, traceparent) => {
    const ids = await withSpan('outside', {}, async () =>
      withRemoteParent(traceparent, () => withSpan('bus.receive', {}, async () => currentTraceIds())),
    );
    expect(ids?.trace_id).not.toBe((await finished('outside')).spanContext().traceId);
    expect((await finished('bus.receive')).parentSpanContext).toBeUndefined();
  });

  test('an unsampled publisher stays unsampled on the receiver (parent-based sampling)', async () => {
    await withRemoteParent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00', () =>
      withSpan('bus.receive', {}, async () => undefined),
    );
    expect(await exported()).toEqual([]);
  });
});

describe('configuration', () => {
  test.each<[string, NodeJS.ProcessEnv, boolean]>([
    ['nothing set', {}, false],
    ['OTLP endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    ['OTLP traces endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    ['explicit exporter', { OTEL_TRACES_EXPORTER: 'console' }, true],
    ['exporter list with none', { OTEL_TRACES_EXPORTER: 'otlp, none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, false],
    ['disabled wins', { OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }, false],
    ['disabled=false is not disabled', { OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' }, true],
    ['blank endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, false],
  ])('tracingRequested: %s', (_case, env, expected) => {
    expect(tracingRequested(env)).toBe(expected);
  });

  test.each<[string | undefined, NodeJS.ProcessEnv, string | undefined]>([
    ['/app/services/signaling/src/main.ts', {}, 'signal-signaling'],
    ['services/all-in-one/src/main.ts', {}, 'signal-all-in-one'],
    ['/app/services/signaling/src/main.ts', { OTEL_SERVICE_NAME: 'edge-signaling' }, undefined],
    ['/app/services/ice/src/main.ts', { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=ice' }, undefined],
    ['/app/tools/other.ts', {}, undefined],
    [undefined, {}, undefined],
  ])('defaultServiceName(%s)', (entry, env, expected) => {
    expect(defaultServiceName(entry, env)).toBe(expected);
  });
});
