/**
 * The real all-in-one process under the tracing preload, exporting OTLP/JSON to a local
 * receiver: a full handshake yields one server span per API request named by its route, probes
 * and scrapes stay untraced, and no span attribute carries a cookie, a token or an SDP.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { testEnv } from '../../test-support/signal/harness.ts';
import { fullHandshake } from './support/handshake.ts';
import { OTLP_SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.ts';
import { cleanEnv, spawnNode, type RunningProcess } from './support/processes.ts';

const PRELOAD = './libs/common/src/observability/tracing-preload.ts';
const SECRET_LOOKING = [/v=0\r?\n/, /Bearer /i, /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./, /sess[0-9a-f]{8}=/];

let receiver: OtlpReceiver;
let signal: RunningProcess;
let spans: ReceivedSpan[];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const env = Object.fromEntries(
    Object.entries(testEnv({ LOG_LEVEL: 'info' })).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  signal = spawnNode(
    ['--import', PRELOAD, 'services/all-in-one/src/main.ts'],
    cleanEnv({
      ...env,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    }),
  );
  const [, port] = await signal.waitFor(/"port":(\d+)[^\n]*"msg":"listening"/, 20_000);
  try {
    await fullHandshake(`http://127.0.0.1:${port}`);
  } catch (error) {
    throw new Error(`${String(error)}\n--- all-in-one output ---\n${signal.output()}`, { cause: error });
  }
  await new Promise((r) => setTimeout(r, 1000));
  // SIGTERM runs the graceful shutdown, whose last step flushes the span batch.
  expect(await signal.stop('SIGTERM', 15_000)).toBe(0);
  spans = receiver.spans();
}, 60_000);

afterAll(async () => {
  await signal?.stop('SIGKILL');
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
