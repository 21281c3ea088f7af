/**
 * The preload as production runs it: a child process started with
 * `--import tracing-preload.ts`, configured only by OTEL_* variables, exporting OTLP/JSON to a
 * local receiver. Proves server spans with the route, W3C context accepted over HTTP, store and
 * bus spans in the same trace, no SDP in attributes, the shutdown flush, and that with tracing
 * off the SDK is never loaded.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { OTLP_SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../test-support/otlp/otlp-receiver.ts';
import { cleanEnv, spawnNode, type RunningProcess } from './support/processes.ts';

const PRELOAD = './libs/common/src/observability/tracing-preload.ts';
const APP = 'tests/observability/fixtures/traced-app.ts';
const SDP = 'v=0\r\no=- 4287846699269234128 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const PEER = '095be615-a8ad-4c33-8e9c-c7612fbf6c9f';
/** A caller's own trace: the server must continue it rather than start a new one. */
const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

let receiver: OtlpReceiver;
let app: RunningProcess | undefined;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await app?.stop('SIGKILL');
  app = undefined;
  await receiver.close();
});

async function startApp(otelEnv: Record<string, string>): Promise<string> {
  app = spawnNode(['--import', PRELOAD, APP], cleanEnv(otelEnv));
  const [, port] = await app.waitFor(/LISTENING (\d+)/, 15_000);
  return `http://127.0.0.1:${port}`;
}

async function stopGracefully(): Promise<void> {
  expect(await app?.stop('SIGTERM', 15_000)).toBe(0);
}

const exportingEnv = () => ({
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesEndpoint,
  // Longer than the test: spans reach the receiver only through the flush in shutdownTracing().
  OTEL_BSP_SCHEDULE_DELAY: '600000',
});

const postOffer = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/offer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ to: PEER, sdp: SDP }),
  });

const only = (spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean): ReceivedSpan => {
  const matches = spans.filter(predicate);
  expect(matches).toHaveLength(1);
  return matches[0]!;
};

describe('tracing on (OTEL_TRACES_EXPORTER=otlp)', () => {
  test('a request yields one trace: server span, handler, store span, bus publish and receive', async () => {
    // The caller stands for a trusted one (an ingress that makes the trace context): untrusted callers' contexts are dropped.
    const base = await startApp({ ...exportingEnv(), TRACE_TRUST_INCOMING: 'all' });
    const response = await postOffer(base, { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` });
    expect(response.status).toBe(200);
    const { ids } = (await response.json()) as { ids: { trace_id: string; span_id: string } | null };
    expect((await fetch(`${base}/loaded`).then((r) => r.json()))).toEqual({ sdk: true, instrumentation: true });
    await stopGracefully();

    const spans = receiver.spans().filter((span) => span.traceId === CALLER_TRACE_ID);
    const server = only(spans, (span) => span.kind === OTLP_SPAN_KIND.server);
    expect(server.name).toBe('POST /offer');
    expect(server.parentSpanId).toBe(CALLER_SPAN_ID);

    const handler = only(spans, (span) => span.name.startsWith('request handler'));
    expect(handler.parentSpanId).toBe(server.spanId);
    expect(ids).toEqual({ trace_id: CALLER_TRACE_ID, span_id: handler.spanId });

    const store = only(spans, (span) => span.name === 'sdp.put');
    expect(store.kind).toBe(OTLP_SPAN_KIND.client);
    expect(store.parentSpanId).toBe(handler.spanId);
    expect(store.attributes).toEqual({ 'signal.sdp.type': 'offer', 'signal.peer': PEER });

    const publish = only(spans, (span) => span.name === 'bus.publish sdp.posted');
    expect(publish.kind).toBe(OTLP_SPAN_KIND.producer);
    const receive = only(spans, (span) => span.name === 'bus.receive sdp.posted');
    expect(receive.kind).toBe(OTLP_SPAN_KIND.consumer);
    expect(receive.parentSpanId).toBe(publish.spanId);

    const everyValue = receiver.spans().flatMap((span) => Object.values(span.attributes).map(String));
    expect(everyValue.filter((value) => value.includes('v=0'))).toEqual([]);
  });

  test('probe and scrape paths are not traced; OTEL_SERVICE_NAME names the service', async () => {
    const base = await startApp({ ...exportingEnv(), OTEL_SERVICE_NAME: 'signal-signaling' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await postOffer(base)).status).toBe(200);
    await stopGracefully();

    const servers = receiver.spans().filter((span) => span.kind === OTLP_SPAN_KIND.server);
    expect(servers.map((span) => span.name)).toEqual(['POST /offer']);
    expect(servers[0]?.serviceName).toBe('signal-signaling');
  });
});

describe('tracing off', () => {
  test.each([
    ['no exporter configured', {}],
    ['OTEL_SDK_DISABLED=true wins over an exporter', { OTEL_SDK_DISABLED: 'true' }],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_TRACES_EXPORTER: 'none' }],
  ])('%s: the SDK is never loaded and nothing is exported', async (_case, env) => {
    const exporter = Object.keys(env).length === 0 ? {} : { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesEndpoint, ...env };
    const base = await startApp(exporter);
    const response = await postOffer(base, { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` });
    expect(await response.json()).toEqual({ body: true, ids: null });
    expect(await fetch(`${base}/loaded`).then((r) => r.json())).toEqual({ sdk: false, instrumentation: false });
    await stopGracefully();
    expect(receiver.requestCount()).toBe(0);
  });
});
