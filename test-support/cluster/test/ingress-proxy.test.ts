import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ServiceName } from '@signal/common/config/config';
import { INGRESS_ROUTES, REPLICA_HEADER, startIngressProxy, type IngressProxy, type Upstream } from '../ingress-proxy.ts';

/** A pod stand-in that answers with what it received, after `delayMs`. */
async function echoPod(name: string, delayMs = 0): Promise<{ url: string; server: Server; seen: { url: string; headers: IncomingHttpHeaders; body: string }[]; closed: number }> {
  const pod = { url: '', server: createServer(), seen: [] as { url: string; headers: IncomingHttpHeaders; body: string }[], closed: 0 };
  pod.server.on('request', async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    pod.seen.push({ url: req.url ?? '', headers: req.headers, body });
    res.once('close', () => !res.writableFinished && (pod.closed += 1));
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' }).end(JSON.stringify({ pod: name })), delayMs);
  });
  pod.server.listen(0, '127.0.0.1');
  await once(pod.server, 'listening');
  pod.url = `http://127.0.0.1:${(pod.server.address() as AddressInfo).port}`;
  return pod;
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

const started: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const item of started.splice(0)) await item.close();
});

async function proxyTo(endpoints: Partial<Record<ServiceName, Upstream[]>>, timeoutSeconds = 60): Promise<IngressProxy> {
  const proxy = await startIngressProxy({
    port: 0,
    host: '127.0.0.1',
    timeoutSeconds,
    endpoints: (service) => endpoints[service] ?? [],
    local: { prefixes: ['/dev/'], handler: (_req, res) => res.end('local') },
  });
  started.push(proxy);
  return proxy;
}

async function pods(...names: string[]) {
  const made = await Promise.all(names.map((name) => echoPod(name)));
  for (const pod of made) started.push({ close: () => closeServer(pod.server) });
  return made;
}

test('each Ingress path reaches its service; other paths get 404 or the local handler', async () => {
  const [session, signaling, ice] = await pods('session-0', 'signaling-0', 'ice-0');
  const proxy = await proxyTo({ session: [{ pod: 'session-0', url: session!.url }], signaling: [{ pod: 'signaling-0', url: signaling!.url }], ice: [{ pod: 'ice-0', url: ice!.url }] });
  for (const [path, service] of Object.entries(INGRESS_ROUTES)) {
    const res = await fetch(`${proxy.url}${path}?x=1`);
    expect(res.headers.get(REPLICA_HEADER)).toBe(`${service}-0`);
  }
  expect(signaling!.seen.map((request) => request.url)).toEqual(['/offer?x=1', '/answer?x=1', '/expire?x=1']);
  const missing = await fetch(`${proxy.url}/metrics`);
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ body: 'No ingress rule for /metrics' });
  expect(await (await fetch(`${proxy.url}/dev/token`)).text()).toBe('local');
});

test('consecutive requests go round robin over the ready pods', async () => {
  const [a, b] = await pods('signaling-0', 'signaling-1');
  const proxy = await proxyTo({ signaling: [{ pod: 'signaling-0', url: a!.url }, { pod: 'signaling-1', url: b!.url }] });
  const replicas = [];
  for (let i = 0; i < 4; i += 1) replicas.push((await fetch(`${proxy.url}/offer`)).headers.get(REPLICA_HEADER));
  expect(replicas).toEqual(['signaling-0', 'signaling-1', 'signaling-0', 'signaling-1']);
});

test('X-Forwarded-For gains the client address; hop-by-hop fields stay behind; the body is forwarded', async () => {
  const [pod] = await pods('signaling-0');
  const proxy = await proxyTo({ signaling: [{ pod: 'signaling-0', url: pod!.url }] });
  // node:http, not fetch: fetch refuses to send a Connection field.
  const sent = request(`${proxy.url}/offer`, {
    method: 'POST',
    headers: { 'x-forwarded-for': '203.0.113.9', connection: 'x-private', 'x-private': 'secret', 'content-type': 'application/json' },
  });
  sent.end('{"a":1}');
  const [res] = (await once(sent, 'response')) as [IncomingMessage];
  res.resume();
  expect(res.statusCode).toBe(200);
  expect(res.headers[REPLICA_HEADER]).toBe('signaling-0');
  const [seen] = pod!.seen;
  expect(seen!.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
  expect(seen!.headers['x-forwarded-proto']).toBe('http');
  expect(seen!.headers['x-private']).toBeUndefined();
  expect(seen!.body).toBe('{"a":1}');
});

test('a pod that refuses connections is skipped; no pod at all is a 503', async () => {
  const [live] = await pods('signaling-1');
  const gone = createServer().listen(0, '127.0.0.1');
  await once(gone, 'listening');
  const deadUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise((resolve) => gone.close(resolve));
  const proxy = await proxyTo({ signaling: [{ pod: 'signaling-0', url: deadUrl }, { pod: 'signaling-1', url: live!.url }] });
  for (let i = 0; i < 2; i += 1) {
    const res = await fetch(`${proxy.url}/offer`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(200);
    expect(res.headers.get(REPLICA_HEADER)).toBe('signaling-1');
  }
  const none = await fetch(`${proxy.url}/ice_servers`);
  expect(none.status).toBe(503);
  expect(await none.json()).toEqual({ body: 'No ready ice pod' });
});

test('a long-poll outlasting the read timeout is a 504; a client that leaves releases the pod', async () => {
  const slow = await echoPod('signaling-0', 1500);
  started.push({ close: () => closeServer(slow.server) });
  const strict = await proxyTo({ signaling: [{ pod: 'signaling-0', url: slow.url }] }, 1);
  expect((await fetch(`${strict.url}/offer?wait=20`)).status).toBe(504);
  const patient = await proxyTo({ signaling: [{ pod: 'signaling-0', url: slow.url }] }, 5);
  expect((await fetch(`${patient.url}/offer?wait=20`)).status).toBe(200);

  const abandoned = fetch(`${patient.url}/offer?wait=20`, { signal: AbortSignal.timeout(200) }).catch(() => 'aborted');
  expect(await abandoned).toBe('aborted');
  const deadline = Date.now() + 2000;
  while (slow.closed < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  // Both the timed-out request and the abandoned one were closed at the pod, not left waiting.
  expect(slow.closed).toBe(2);
});

const ROOMS = Array.from({ length: 24 }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
const servedBy = async (proxy: IngressProxy, target: string) => (await fetch(`${proxy.url}${target}`, { method: 'POST' })).headers.get(REPLICA_HEADER);

async function affineProxy(endpoints: () => Upstream[], affinity: 'room' | 'none' = 'room'): Promise<IngressProxy> {
  const proxy = await startIngressProxy({ port: 0, host: '127.0.0.1', timeoutSeconds: 60, affinity, endpoints: (service) => (service === 'signaling' ? endpoints() : []) });
  started.push(proxy);
  return proxy;
}

test('with room affinity, every signaling request of a room reaches one pod; rooms spread over the pods', async () => {
  const made = await pods('signaling-0', 'signaling-1', 'signaling-2');
  const proxy = await affineProxy(() => made.map((pod, n) => ({ pod: `signaling-${n}`, url: pod.url })));
  const owners = new Map<string, string | null>();
  for (const room of ROOMS) {
    const replicas = new Set<string | null>();
    for (const path of ['/offer', '/answer', '/expire']) replicas.add(await servedBy(proxy, `${path}?room=${room}&signalId=x`));
    expect(replicas.size).toBe(1);
    owners.set(room, [...replicas][0]!);
  }
  expect(new Set(owners.values())).toEqual(new Set(['signaling-0', 'signaling-1', 'signaling-2']));
  // Without a room the requests are balanced round robin, as without affinity.
  const keyless = [];
  for (let i = 0; i < 3; i += 1) keyless.push(await servedBy(proxy, '/offer'));
  expect(new Set(keyless).size).toBe(3);
});

test('with room affinity, a pod leaving the endpoints moves only its own rooms; one refusing connections hands them to the next pod on the ring', async () => {
  const made = await pods('signaling-0', 'signaling-1', 'signaling-2');
  let ready = made.map((pod, n) => ({ pod: `signaling-${n}`, url: pod.url }));
  const proxy = await affineProxy(() => ready);
  const before = new Map<string, string | null>();
  for (const room of ROOMS) before.set(room, await servedBy(proxy, `/offer?room=${room}`));
  ready = ready.filter((pod) => pod.pod !== 'signaling-1');
  for (const room of ROOMS) {
    const now = await servedBy(proxy, `/offer?room=${room}`);
    if (before.get(room) === 'signaling-1') expect(now).not.toBe('signaling-1');
    else expect(now).toBe(before.get(room));
  }
  const afterLeaving = new Map<string, string | null>();
  for (const room of ROOMS) afterLeaving.set(room, await servedBy(proxy, `/offer?room=${room}`));
  // signaling-1 back in the endpoints but refusing connections (restarting): its rooms are served
  // where they went while it was away.
  const gone = createServer().listen(0, '127.0.0.1');
  await once(gone, 'listening');
  const deadUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise((resolve) => gone.close(resolve));
  ready = [...ready, { pod: 'signaling-1', url: deadUrl }];
  for (const room of ROOMS) expect(await servedBy(proxy, `/offer?room=${room}`)).toBe(afterLeaving.get(room));
});

test('with affinity none, requests of one room go round robin', async () => {
  const made = await pods('signaling-0', 'signaling-1');
  const proxy = await affineProxy(() => made.map((pod, n) => ({ pod: `signaling-${n}`, url: pod.url })), 'none');
  const replicas = [];
  for (let i = 0; i < 4; i += 1) replicas.push(await servedBy(proxy, `/offer?room=${ROOMS[0]}`));
  expect(replicas).toEqual(['signaling-0', 'signaling-1', 'signaling-0', 'signaling-1']);
});
