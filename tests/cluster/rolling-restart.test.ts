/**
 * A rolling restart of signaling under load, as a Deployment rolls it: one replica at a time
 * leaves the ingress's endpoints, sleeps its preStop, gets SIGTERM (answering its parked
 * long-polls as it drains), starts again and rejoins once ready. Handshakes keep running through
 * the ingress stand-in with room affinity; none may be lost, and a client whose long-poll was
 * drained polls again and is served. Clients retry a 503 that carries Retry-After (a dependency,
 * here the Cosmos stand-in in this busy process, timed out), as the API asks; any other failure,
 * a 502 or the ingress's 503 included, loses the handshake.
 */
import { randomUUID } from 'node:crypto';
import { startCluster, type Cluster } from '../../test-support/cluster/cluster.ts';
import { hashRing } from '../../test-support/cluster/hash-ring.ts';
import { REPLICA_HEADER, startIngressProxy, type IngressProxy, type Upstream } from '../../test-support/cluster/ingress-proxy.ts';
import type { ChildService } from '../../test-support/signal/child-service.ts';
import { get, login, post, sdpText, type LoggedIn } from '../../test-support/signal/harness.ts';

/** The chart's preStop sleep, shortened: long enough for requests already sent to the pod to finish. */
const PRE_STOP_MS = 1000;
const ROOMS = 8;
const WAIT_SECONDS = 10;
/** A handshake not done in this long is lost, whatever it is waiting for. */
const HANDSHAKE_DEADLINE_MS = 30_000;
const SIGNALING = ['signaling-0', 'signaling-1'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends again after a dependency's 503, as long as Retry-After says and the deadline allows. */
async function retryingDependencies(send: () => Promise<Response>, deadline: number): Promise<Response> {
  for (;;) {
    const res = await send();
    const after = res.headers.get('retry-after');
    if (res.status !== 503 || after === null || Date.now() > deadline) return res;
    await res.arrayBuffer();
    await sleep(Number(after) * 1000);
  }
}

let cluster: Cluster;
let ingress: IngressProxy;
/** The signaling pods in the ingress's endpoints: ready and not terminating. */
const endpoints = new Map<string, Upstream>();

beforeAll(async () => {
  cluster = await startCluster({ LONGPOLL_MAX_SECONDS: String(WAIT_SECONDS) });
  cluster.signaling.forEach((service, i) => endpoints.set(SIGNALING[i]!, { pod: SIGNALING[i]!, url: service.url }));
  ingress = await startIngressProxy({
    port: 0,
    host: '127.0.0.1',
    timeoutSeconds: 60,
    affinity: 'room',
    endpoints: (service) => {
      if (service === 'signaling') return [...endpoints.values()];
      return [{ pod: `${service}-0`, url: (service === 'session' ? cluster.session : cluster.ice).url }];
    },
  });
}, 90_000);
afterAll(async () => {
  await ingress?.close();
  await cluster?.stop();
}, 30_000);

interface Room {
  uuid: string;
  shortname: string;
}
const newRoom = (): Room => ({ uuid: randomUUID(), shortname: 'rolling-restart' });

/** A room the ring gives to `pod` while both replicas are in the endpoints. */
function roomOwnedBy(pod: string): Room {
  const ring = hashRing(SIGNALING);
  for (;;) {
    const room = newRoom();
    if (ring.owner(room.uuid) === pod) return room;
  }
}

interface Served {
  status: number;
  replica: string | null;
  body: unknown;
  ms: number;
}

async function longPoll(type: 'offer' | 'answer', reader: LoggedIn, from: LoggedIn, room: Room, deadline = Date.now() + HANDSHAKE_DEADLINE_MS): Promise<Served> {
  const query = new URLSearchParams({ signalId: from.uuid, room: room.uuid, shortname: room.shortname, wait: String(WAIT_SECONDS) });
  const began = Date.now();
  const res = await retryingDependencies(() => get(ingress.url, `/${type}?${query}`, reader.cookie), deadline);
  const body = res.status === 200 ? await res.json() : await res.text();
  return { status: res.status, replica: res.headers.get(REPLICA_HEADER), body, ms: Date.now() - began };
}

/** What a client does: long-poll, and on 204 (the wait ran out, or the replica drained) poll again. */
async function receive(type: 'offer' | 'answer', reader: LoggedIn, from: LoggedIn, room: Room, deadline: number, seen: Set<string | null>): Promise<unknown> {
  for (;;) {
    const served = await longPoll(type, reader, from, room, deadline);
    seen.add(served.replica);
    if (served.status === 200) return served.body;
    if (served.status !== 204) throw new Error(`GET /${type}: ${served.status} ${String(served.body)}`);
    if (Date.now() > deadline) throw new Error(`GET /${type}: nothing in ${HANDSHAKE_DEADLINE_MS} ms`);
  }
}

async function send(path: '/offer' | '/answer' | '/expire', sender: LoggedIn, room: Room, body: object, seen: Set<string | null>, deadline = Date.now() + HANDSHAKE_DEADLINE_MS): Promise<void> {
  const res = await retryingDependencies(() => post(ingress.url, `${path}?room=${room.uuid}`, sender.cookie, { ...body, room }), deadline);
  seen.add(res.headers.get(REPLICA_HEADER));
  if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

/** One handshake in `room`, then both SDPs expired as a client leaving does; returns the replicas that served it. */
async function handshake(caller: LoggedIn, callee: LoggedIn, room: Room, label: string): Promise<Set<string | null>> {
  const seen = new Set<string | null>();
  const deadline = Date.now() + HANDSHAKE_DEADLINE_MS;
  const offered = receive('offer', callee, caller, room, deadline, seen);
  await send('/offer', caller, room, { to: callee.uuid, sdp: sdpText(`offer ${label}`) }, seen, deadline);
  expect(await offered).toEqual({ from: caller.uuid, sdp: sdpText(`offer ${label}`) });
  const answered = receive('answer', caller, callee, room, deadline, seen);
  await send('/answer', callee, room, { to: caller.uuid, sdp: sdpText(`answer ${label}`) }, seen, deadline);
  expect(await answered).toEqual({ from: callee.uuid, sdp: sdpText(`answer ${label}`) });
  for (const type of ['offer', 'answer']) await send('/expire', caller, room, { source: caller.uuid, type, destination: callee.uuid }, seen, deadline);
  return seen;
}

/** Takes a signaling pod out of the endpoints, stops it after its preStop, starts it again and puts it back once ready. */
async function rollOne(index: number): Promise<ChildService> {
  const pod = SIGNALING[index]!;
  endpoints.delete(pod);
  await sleep(PRE_STOP_MS);
  const replacement = await cluster.restart(cluster.signaling[index]!);
  while (!(await fetch(`${replacement.url}/readyz`).then((res) => res.ok, () => false))) await sleep(100);
  endpoints.set(pod, { pod, url: replacement.url });
  return replacement;
}

test('signaling restarted one replica at a time under load: no handshake lost, drained long-polls poll again and are served', async () => {
  const pairs: [LoggedIn, LoggedIn][] = [];
  for (let i = 0; i < ROOMS; i += 1) pairs.push([await login(ingress.url), await login(ingress.url)]);
  let rolling = false;
  let done = false;
  const lost: string[] = [];
  let completed = 0;
  let completedWhileRolling = 0;
  const steadyReplicas = new Map<string, Set<string | null>>();
  const load = pairs.map(async ([caller, callee], n) => {
    const room = newRoom();
    for (let round = 0; !done; round += 1) {
      const startedSteady = !rolling;
      try {
        const seen = await handshake(caller, callee, room, `${n}.${round}`);
        completed += 1;
        if (rolling) completedWhileRolling += 1;
        if (startedSteady && !rolling) steadyReplicas.set(room.uuid, new Set([...(steadyReplicas.get(room.uuid) ?? []), ...seen]));
      } catch (error) {
        lost.push(`room ${n} round ${round}: ${String(error)}`);
      }
    }
  });

  const drained: Served[] = [];
  const repolled: Served[] = [];
  // Whatever fails below, the load stops: left running it would keep sending to the cluster
  // afterAll stops, and its failures would land in whichever test files this worker runs next.
  try {
    await sleep(3000);
    rolling = true;
    for (const [index, pod] of SIGNALING.entries()) {
      // A client parked on the replica about to go, for an offer that is sent only after the drain.
      const [caller, callee] = [await login(ingress.url), await login(ingress.url)];
      const room = roomOwnedBy(pod);
      const parked = longPoll('offer', callee, caller, room);
      await sleep(300);
      const rolled = rollOne(index);
      drained.push(await parked);
      // As a client does on a 204: at once, so the poll reaches another replica while this one restarts.
      const again = longPoll('offer', callee, caller, room);
      await sleep(300);
      await send('/offer', caller, room, { to: callee.uuid, sdp: sdpText(`after draining ${pod}`) }, new Set());
      repolled.push(await again);
      await rolled;
    }
    rolling = false;
    await sleep(2000);
  } finally {
    done = true;
    await Promise.all(load);
  }

  expect(lost).toEqual([]);
  expect(completedWhileRolling).toBeGreaterThan(0);
  expect(completed).toBeGreaterThan(ROOMS * 2);
  for (const [index, pod] of SIGNALING.entries()) {
    const first = drained[index]!;
    expect([first.status, first.replica]).toEqual([204, pod]);
    // Answered by the drain, long before its wait ran out.
    expect(first.ms).toBeLessThan(WAIT_SECONDS * 1000 - 2000);
    expect(repolled[index]!.status).toBe(200);
    expect((repolled[index]!.body as { sdp: string }).sdp).toBe(sdpText(`after draining ${pod}`));
  }
  // Before the restarts, every request of a room reached one replica.
  expect(steadyReplicas.size).toBeGreaterThan(0);
  for (const replicas of steadyReplicas.values()) expect(replicas.size).toBe(1);
}, 180_000);
