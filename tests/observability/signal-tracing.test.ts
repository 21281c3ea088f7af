/**
 * The real all-in-one process under the tracing preload, exporting OTLP/JSON to a local
 * receiver: a full handshake yields one server span per API request named by its route, probes
 * and scrapes stay untraced, and no span attribute carries a cookie, a token or an SDP.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { fullHandshake } from './support/handshake.ts';
import { OTLP_SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../test-support/otlp/otlp-receiver.ts';
import type { ChildService } from '../../test-support/signal/child-service.ts';
import { driveOrExplain, startAllInOne, TRACING_PRELOAD } from './support/all-in-one.ts';

const SECRET_LOOKING = [/v=0\r?\n/, /Bearer /i, /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./, /sess[0-9a-f]{8}=/];

let receiver: OtlpReceiver;
let signal: ChildService | undefined;
let spans: ReceivedSpan[];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  signal = await startAllInOne({
    NODE_OPTIONS: `--import ${TRACING_PRELOAD}`,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesEndpoint,
    // Longer than the test: spans arrive only if graceful shutdown calls shutdownTracing().
    OTEL_BSP_SCHEDULE_DELAY: '600000',
  });
  await driveOrExplain(signal, fullHandshake);
  // SIGTERM runs the graceful shutdown, whose last step flushes the span batch.
  expect(await signal.stop()).toBe(0);
  spans = receiver.spans();
}, 60_000);

afterAll(async () => {
  await signal?.kill();
  await receiver?.close();
});

test('each API request has a server span named by method and route template', () => {
  const names = spans.filter((span) => span.kind === OTLP_SPAN_KIND.server).map((span) => span.name);
  for (const expected of ['GET /login', 'GET /ice_servers', 'POST /offer', 'GET /offer', 'GET /answer', 'POST /answer', 'POST /expire', 'GET /logout']) {
    expect(names).toContain(expected);
  }
  expect(names.filter((name) => /healthz|readyz|metrics/.test(name))).toEqual([]);
  expect(spans.every((span) => span.serviceName === 'signal-all-in-one')).toBe(true);
});

test('no span attribute carries a cookie, a token or an SDP', () => {
  const values = spans.flatMap((span) => Object.values(span.attributes).map(String));
  expect(values.length).toBeGreaterThan(0);
  expect(values.filter((value) => SECRET_LOOKING.some((pattern) => pattern.test(value)))).toEqual([]);
});
