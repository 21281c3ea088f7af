/**
 * A cross-replica wake-up is one trace. The session, both signaling and the ice process run under
 * the tracing preload on the Cosmos test server and the AMQP broker, each exporting OTLP/JSON to a
 * receiver in this process. The client continues its own trace on every request: GET /login on
 * session, a long-poll GET /answer parked on signaling-0, and POST /answer on signaling-1, whose
 * wake-up hint (HTTP between the replicas) wakes the long-poll. signaling-0 trusts no caller's
 * trace context but its peers' on the wake-up port, so the hop stays in the trace and the
 * long-poll does not.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { startCluster, type Cluster } from '../../test-support/cluster/cluster.ts';
import { ROOM, sdpQuery, sdpText, tokenFor } from '../../test-support/signal/harness.ts';
import { TRACING_PRELOAD } from './support/all-in-one.ts';
import { untilGauge } from './support/handshake.ts';
import { OTLP_SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../test-support/otlp/otlp-receiver.ts';

const COOKIE_NAME = 'sess38b9de00';
const TRACE_ID = randomBytes(16).toString('hex');
const CLIENT_SPAN_ID = randomBytes(8).toString('hex');
const SDP_LABEL = `answer-${randomUUID()}`;
const SDP = sdpText(SDP_LABEL);

let receiver: OtlpReceiver;
let cluster: Cluster | undefined;
let spans: ReceivedSpan[];
/** Values no span attribute may contain: session cookies and bearer tokens. */
const secrets: string[] = [];
/** The long-poll's answer, and the poster's peer id it must name. */
let woken: { status: number; body: unknown; expectedFrom: string };

/** A request of the client's trace: every one carries the same W3C traceparent. */
function traced(url: string, init: { method?: string; cookie?: string; authorization?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01` };
  if (init.cookie !== undefined) headers.cookie = init.cookie;
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
}

async function tracedLogin(base: string): Promise<{ cookie: string; uuid: string }> {
  const token = tokenFor();
  const response = await traced(`${base}/login`, { authorization: `Bearer ${token}` });
  expect(response.status).toBe(200);
  const value = new RegExp(`${COOKIE_NAME}=([^;]+)`).exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (value === undefined) throw new Error('login set no session cookie');
  secrets.push(token, value);
  const body = (await response.json()) as { session: { uuid: string } };
  return { cookie: `${COOKIE_NAME}=${value}`, uuid: body.session.uuid };
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  cluster = await startCluster(
    {
      NODE_OPTIONS: `--import ${TRACING_PRELOAD}`,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesEndpoint,
      // Longer than the test: spans arrive only through the flush in the SIGTERM shutdown.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    },
    // As the chart does: the pod name tells the two signaling replicas' spans apart. Every pod but
    // signaling-0 believes the client's trace context (as behind an ingress that makes it);
    // signaling-0 believes no caller's on its API port, only its wake-up port's: the other replica's.
    (podName) => ({ OTEL_RESOURCE_ATTRIBUTES: `k8s.pod.name=${podName}`, TRACE_TRUST_INCOMING: podName === 'signaling-0' ? 'none' : 'all' }),
  );
  const [waitAt, postAt] = cluster.signaling;
  const alice = await tracedLogin(cluster.session.url);
  const bob = await tracedLogin(cluster.session.url);

  const waiting = traced(`${waitAt.url}/answer?${sdpQuery(bob.uuid, { wait: '20' })}`, { cookie: alice.cookie });
  await untilGauge(waitAt.url, 'signal_longpoll_waiters', 1, 5_000);
  const posted = await traced(`${postAt.url}/answer`, { method: 'POST', cookie: bob.cookie, body: { to: alice.uuid, sdp: SDP, room: ROOM } });
  expect(posted.status).toBe(200);
  const response = await waiting;
  woken = { status: response.status, body: await response.json(), expectedFrom: bob.uuid };

  const { session, signaling, ice } = cluster;
  expect(await Promise.all([session, ...signaling, ice].map((service) => service.stop()))).toEqual([0, 0, 0, 0]);
  spans = receiver.spans();
}, 35_000);

afterAll(async () => {
  await cluster?.stop();
  await receiver?.close();
}, 15_000);

const inTrace = (): ReceivedSpan[] => spans.filter((span) => span.traceId === TRACE_ID);
const podOf = (span: ReceivedSpan): unknown => span.resource['k8s.pod.name'];

function only(predicate: (span: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const matches = inTrace().filter(predicate);
  if (matches.length !== 1) throw new Error(`expected one ${what} in trace ${TRACE_ID}, found ${matches.length}`);
  return matches[0]!;
}

/** Whether `ancestor` is on the parent chain of `span` (router and handler spans sit in between). */
function descendsFrom(span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  const byId = new Map(inTrace().map((candidate) => [candidate.spanId, candidate]));
  for (let parent = byId.get(span.parentSpanId ?? ''); parent !== undefined; parent = byId.get(parent.parentSpanId ?? '')) {
    if (parent.spanId === ancestor.spanId) return true;
  }
  return false;
}

test('the long-poll on one replica is woken by the answer posted on the other', () => {
  expect(woken.status).toBe(200);
  expect(woken.body).toEqual({ from: woken.expectedFrom, sdp: SDP });
});

test('one trace runs session → signaling-1 → wake-up → signaling-0', () => {
  const logins = inTrace().filter((span) => span.kind === OTLP_SPAN_KIND.server && span.name === 'GET /login');
  expect(logins.map((span) => [podOf(span), span.serviceName, span.parentSpanId])).toEqual([
    ['session-0', 'signal-session', CLIENT_SPAN_ID],
    ['session-0', 'signal-session', CLIENT_SPAN_ID],
  ]);

  const postAnswer = only((span) => span.kind === OTLP_SPAN_KIND.server && span.name === 'POST /answer', 'POST /answer server span');
  expect([podOf(postAnswer), postAnswer.serviceName, postAnswer.parentSpanId]).toEqual(['signaling-1', 'signal-signaling', CLIENT_SPAN_ID]);
  const put = only((span) => span.name === 'store sdp_put', 'store sdp_put span');
  expect([podOf(put), put.kind, descendsFrom(put, postAnswer)]).toEqual(['signaling-1', OTLP_SPAN_KIND.client, true]);
  const send = only((span) => span.name === 'wakeup send', 'wakeup send span');
  expect([podOf(send), send.kind, descendsFrom(send, postAnswer)]).toEqual(['signaling-1', OTLP_SPAN_KIND.client, true]);
  const receive = only((span) => span.kind === OTLP_SPAN_KIND.server && podOf(span) === 'signaling-0' && descendsFrom(span, send), 'wake-up server span on signaling-0');
  expect(receive.serviceName).toBe('signal-signaling');

});

test("signaling-0 trusts the wake-up port's traceparent but not the client's: its GET /answer starts a trace of its own", () => {
  expect(inTrace().filter((span) => span.name === 'GET /answer')).toEqual([]);
  const getAnswer = spans.filter((span) => span.kind === OTLP_SPAN_KIND.server && span.name === 'GET /answer');
  expect(getAnswer.map((span) => [podOf(span), span.parentSpanId ?? '', span.attributes['signal.incoming_trace_context']])).toEqual([['signaling-0', '', 'dropped']]);
});

test('every span of the trace hangs off the client span: nothing started a trace of its own', () => {
  const ids = new Set(inTrace().map((span) => span.spanId));
  const orphans = inTrace().filter((span) => span.parentSpanId !== CLIENT_SPAN_ID && !ids.has(span.parentSpanId ?? ''));
  expect(orphans.map((span) => `${String(podOf(span))} ${span.name}`)).toEqual([]);
});

test('no span attribute carries the SDP, a session cookie or a token', () => {
  expect(secrets).toHaveLength(4);
  const values = spans.flatMap((span) => Object.values(span.attributes).map(String));
  // Session reads did reach Cosmos DB over HTTP, whose item URLs name the session id.
  expect(values.filter((value) => value.includes('/colls/sessions/docs/REDACTED')).length).toBeGreaterThan(0);
  expect(values.filter((value) => value.includes(SDP_LABEL) || secrets.some((secret) => value.includes(secret)))).toEqual([]);
});
