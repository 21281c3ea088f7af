/**
 * `npm run start:cluster` traces by default: every pod runs under the tracing preload and exports
 * to the cluster's own OTLP sink, so one request's trace across pods is read at
 * /dev/traces/<trace_id>, and the pods' log lines carry the trace ids to look up.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { alive, startClusterProcess, type ClusterProcess } from './support/cluster-process.ts';

interface TracedSpan {
  pod: string;
  name: string;
  parentSpanId?: string;
}

let cluster: ClusterProcess;
let base: string;
const pids: number[] = [];

beforeAll(async () => {
  cluster = startClusterProcess(['--port=0', '--signaling=2', '--affinity=none']);
  const ingress = await cluster.line((entry) => entry.msg === 'ingress listening', 120_000);
  base = `http://127.0.0.1:${String(ingress.port)}`;
  for (const entry of cluster.lines.filter((line) => line.msg === 'pod started')) pids.push(Number(entry.pid));
}, 130_000);

afterAll(async () => {
  if (cluster.child.exitCode === null && cluster.child.signalCode === null) cluster.child.kill('SIGINT');
  await cluster.exited;
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
}, 30_000);

async function spansOf(traceId: string, pods: number): Promise<TracedSpan[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = (await (await fetch(`${base}/dev/traces/${traceId}`)).json()) as { body: TracedSpan[] };
    if (new Set(body.map((span) => span.pod)).size >= pods || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('a client\'s login and offer are one trace with spans from the session pod and a signaling pod', async () => {
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  const { token } = (await (await fetch(`${base}/dev/token?name=tracer`)).json()) as { token: string };
  const login = await fetch(`${base}/login`, { headers: { authorization: `Bearer ${token}`, traceparent } });
  expect(login.status).toBe(200);
  const cookie = /sess38b9de00=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  const room = { uuid: randomUUID(), shortname: 'traces' };
  const offer = await fetch(`${base}/offer?room=${room.uuid}`, {
    method: 'POST',
    headers: { cookie, traceparent, 'content-type': 'application/json' },
    body: JSON.stringify({ to: randomUUID(), sdp: 'v=0\r\ns=traced\r\n', room }),
  });
  expect(offer.status).toBe(200);
  const servedBy = offer.headers.get('x-signal-replica');

  const spans = await spansOf(traceId, 2);
  const pods = new Set(spans.map((span) => span.pod));
  expect([...pods].sort()).toEqual(['session-0', servedBy].sort());
  expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(['GET /login', 'POST /offer']));
  const { body: listed } = (await (await fetch(`${base}/dev/traces`)).json()) as { body: Array<{ traceId: string; pods: string[] }> };
  expect(listed.find((trace) => trace.traceId === traceId)?.pods.sort()).toEqual([...pods].sort());
}, 60_000);
