/**
 * `npm run start:cluster` as a person runs it: a real child process starting the Cosmos stand-in,
 * the AMQP broker, session, two signaling and ice processes and the ingress stand-in. A handshake
 * goes through the ingress with the two peers on different signaling replicas; a signaling process
 * killed by hand comes back; SIGINT leaves no process behind.
 */
import { randomUUID } from 'node:crypto';
import { stunBinding } from '../../test-support/coturn/stun-binding.ts';
import { alive, startClusterProcess, type ClusterProcess } from './support/cluster-process.ts';

const ROOM = { uuid: randomUUID(), shortname: 'start-cluster-test' };
const query = (signalId: string, extra: Record<string, string> = {}) =>
  new URLSearchParams({ signalId, room: ROOM.uuid, shortname: ROOM.shortname, ...extra }).toString();

let cluster: ClusterProcess;
let base: string;
const pids = new Map<string, number>();

beforeAll(async () => {
  cluster = startClusterProcess(['--port=0', '--affinity=none']);
  const ingress = await cluster.line((entry) => entry.msg === 'ingress listening', 90_000);
  base = `http://127.0.0.1:${String(ingress.port)}`;
  for (const entry of cluster.lines.filter((line) => line.msg === 'pod started')) pids.set(String(entry.pod), Number(entry.pid));
}, 100_000);

afterAll(async () => {
  if (cluster.child.exitCode === null && cluster.child.signalCode === null) cluster.child.kill('SIGKILL');
  for (const pid of pids.values()) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

interface Peer {
  uuid: string;
  cookie: string;
}

async function logIn(name: string): Promise<Peer> {
  const { token } = (await (await fetch(`${base}/dev/token?name=${name}`)).json()) as { token: string };
  const res = await fetch(`${base}/login`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-signal-replica')).toBe('session-0');
  const cookie = /sess38b9de00=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
  const { session } = (await res.json()) as { session: { uuid: string } };
  return { uuid: session.uuid, cookie };
}

/** `to` long-polls for `from`'s SDP while `from` posts it: returns the replicas each landed on. */
async function exchange(type: 'offer' | 'answer', from: Peer, to: Peer): Promise<[string, string]> {
  const waiting = fetch(`${base}/${type}?${query(from.uuid, { wait: '20' })}`, { headers: { cookie: to.cookie } });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=${type}\r\nt=0 0\r\n`;
  const posted = await fetch(`${base}/${type}`, {
    method: 'POST',
    headers: { cookie: from.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ to: to.uuid, sdp, room: ROOM }),
  });
  expect(posted.status).toBe(200);
  const woken = await waiting;
  expect(woken.status).toBe(200);
  expect(await woken.json()).toEqual({ from: from.uuid, sdp });
  return [woken.headers.get('x-signal-replica')!, posted.headers.get('x-signal-replica')!];
}

test('a handshake through the ingress, the two peers on different signaling replicas', async () => {
  const alice = await logIn(`alice-${randomUUID().slice(0, 8)}`);
  const bob = await logIn(`bob-${randomUUID().slice(0, 8)}`);
  const ice = await fetch(`${base}/ice_servers`, { headers: { cookie: alice.cookie } });
  expect(ice.status).toBe(200);
  expect(ice.headers.get('x-signal-replica')).toBe('ice-0');

  const [bobWaitedOn, alicePostedOn] = await exchange('offer', alice, bob);
  expect(bobWaitedOn).toMatch(/^signaling-[01]$/);
  expect(alicePostedOn).toMatch(/^signaling-[01]$/);
  expect(bobWaitedOn).not.toBe(alicePostedOn);
  const [aliceWaitedOn, bobPostedOn] = await exchange('answer', bob, alice);
  expect(aliceWaitedOn).not.toBe(bobPostedOn);
}, 60_000);

test('ice hands out the TURN server the cluster runs (a local coturn), and it answers: no ICE gathering waits for a timeout', async () => {
  const alice = await logIn(`alice-${randomUUID().slice(0, 8)}`);
  const res = await fetch(`${base}/ice_servers`, { headers: { cookie: alice.cookie } });
  const { cfg } = JSON.parse((await res.json()) as string) as { cfg: { iceServers: { urls: string }[] } };
  const turn = cfg.iceServers.map((server) => /^turn:(127\.0\.0\.1):(\d+)\?transport=udp$/.exec(server.urls)).find((match) => match !== null);
  expect(turn).toBeDefined();
  expect(await stunBinding(turn![1]!, Number(turn![2]), 2_000)).toBe(true);
}, 30_000);

test('a signaling process killed by hand is reported and restarted, and serves again', async () => {
  const victim = pids.get('signaling-1')!;
  process.kill(victim, 'SIGKILL');
  const reported = await cluster.line((entry) => entry.level === 40 && entry.pod === 'signaling-1');
  expect(reported.msg).toMatch(/^pod signaling-1 was killed by SIGKILL; restarting it in \d+ ms$/);
  const restarted = await cluster.line((entry) => entry.msg === 'pod restarted' && entry.pod === 'signaling-1', 60_000);
  expect(restarted.pid).not.toBe(victim);
  pids.set('signaling-1#restarted', Number(restarted.pid));
  expect(alive(victim)).toBe(false);

  // Back behind the ingress once ready: consecutive requests reach both replicas again.
  const seen = new Set<string>();
  const deadline = Date.now() + 20_000;
  while (seen.size < 2 && Date.now() < deadline) {
    const res = await fetch(`${base}/offer?${query(randomUUID())}`);
    expect(res.status).toBe(401);
    seen.add(res.headers.get('x-signal-replica')!);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect([...seen].sort()).toEqual(['signaling-0', 'signaling-1']);
}, 90_000);

test('SIGINT stops everything in order and leaves no process running', async () => {
  const everyPid = [cluster.child.pid!, ...pids.values()];
  expect(everyPid.filter(alive)).toHaveLength(everyPid.length - 1); // the killed signaling-1 is gone
  cluster.child.kill('SIGINT');
  expect(await cluster.exited).toEqual({ code: 0, signal: null });
  expect(cluster.lines.some((entry) => entry.msg === 'stopped')).toBe(true);
  expect(everyPid.filter(alive)).toEqual([]);
}, 60_000);
