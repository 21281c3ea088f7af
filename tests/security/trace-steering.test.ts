/**
 * Clients steering tracing: under a 0.1 ratio sampler a sampled `traceparent` forced 50 of 50
 * requests to be traced, an unsampled one hid them, and the client's trace ids appeared on the
 * spans. The traced fixture app runs under the tracing preload as production does, exporting to a
 * local OTLP receiver. The ratio is 0 here, so any sampled server span was forced by the caller.
 */
import { expect, test } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { OTLP_SPAN_KIND, startOtlpReceiver } from '../../test-support/otlp/otlp-receiver.ts';
import { sdpText } from '../../test-support/signal/harness.ts';
import { cleanEnv, spawnNode } from '../observability/support/processes.ts';

interface Traced {
  /** The trace id each request's traceparent named. */
  callerTraces: string[];
  serverSpans: { traceId: string; dropped: unknown }[];
}

/** Runs the fixture app under the preload with `env`, sends `count` POST /offer with a caller's traceparent, and returns the exported server spans. */
async function traceRequests(env: Record<string, string>, flags: '01' | '00', count: number): Promise<Traced> {
  const receiver = await startOtlpReceiver();
  const otel = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesEndpoint, OTEL_BSP_SCHEDULE_DELAY: '600000' };
  const app = spawnNode(['--import', './libs/common/src/observability/tracing-preload.ts', 'tests/observability/fixtures/traced-app.ts'], cleanEnv({ ...otel, ...env }));
  try {
    const [, port] = await app.waitFor(/LISTENING (\d+)/, 15_000);
    const callerTraces: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const traceId = randomBytes(16).toString('hex');
      callerTraces.push(traceId);
      const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
      const res = await fetch(`http://127.0.0.1:${port}/offer`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent }, body: JSON.stringify({ to: randomUUID(), sdp: sdpText('steer') }) });
      expect(res.status).toBe(200);
    }
    expect(await app.stop('SIGTERM', 15_000)).toBe(0);
    const serverSpans = receiver.spans().filter((span) => span.kind === OTLP_SPAN_KIND.server);
    return { callerTraces, serverSpans: serverSpans.map((span) => ({ traceId: span.traceId, dropped: span.attributes['signal.incoming_trace_context'] })) };
  } finally {
    await app.stop('SIGKILL');
    await receiver.close();
  }
}

const RATIO_ZERO = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };

test('a sampled traceparent from a client does not force tracing past the ratio sampler', async () => {
  const { serverSpans } = await traceRequests(RATIO_ZERO, '01', 20);
  expect(serverSpans).toEqual([]);
}, 40_000);

test('an unsampled traceparent does not hide requests, and spans carry server-made trace ids, marked as having dropped the context', async () => {
  const { callerTraces, serverSpans } = await traceRequests({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, '00', 10);
  expect(serverSpans).toHaveLength(10);
  expect(serverSpans.filter((span) => callerTraces.includes(span.traceId))).toEqual([]);
  expect(new Set(serverSpans.map((span) => span.dropped))).toEqual(new Set(['dropped']));
}, 40_000);

test('TRACE_TRUST_INCOMING=all: a trusted caller continues its own trace and its sampling decision holds', async () => {
  const { callerTraces, serverSpans } = await traceRequests({ ...RATIO_ZERO, TRACE_TRUST_INCOMING: 'all' }, '01', 5);
  expect(serverSpans.map((span) => span.traceId)).toEqual(callerTraces);
}, 40_000);
