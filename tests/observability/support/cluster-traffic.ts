/**
 * Steady user traffic through a multi-process cluster, as two browsers per round produce it:
 * logins on session, TURN credentials on ice, an offer and answer crossing the two signaling
 * replicas (the answer read by a long-poll parked before it is posted), logouts. Failures are
 * part of the point (faults make requests fail): they are counted, never thrown.
 */
import { get, login, post, ROOM, sdpQuery, sdpText } from '../../../test-support/signal/harness.ts';
import type { Cluster } from '../../../test-support/cluster/cluster.ts';

export interface Traffic {
  pause(): void;
  resume(): void;
  /** Rounds finished, whether they succeeded or not. */
  rounds(): number;
  stop(): Promise<void>;
}

const PAUSE_BETWEEN_ROUNDS_MS = 50;

async function round(cluster: Cluster): Promise<void> {
  const { session, ice } = cluster;
  const [near, far] = cluster.signaling;
  const alice = await login(session.url);
  const bob = await login(session.url);
  await get(ice.url, '/ice_servers', alice.cookie);
  await post(near.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('offer'), room: ROOM });
  await get(far.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie);
  const answer = get(near.url, `/answer?${sdpQuery(bob.uuid, { wait: '3' })}`, alice.cookie);
  await post(far.url, '/answer', bob.cookie, { to: alice.uuid, sdp: sdpText('answer'), room: ROOM });
  await (await answer).arrayBuffer();
  await get(session.url, '/logout', alice.cookie);
  await get(session.url, '/logout', bob.cookie);
}

export function startTraffic(cluster: Cluster): Traffic {
  let running = true;
  let paused = false;
  let finished = 0;
  const loop = (async () => {
    while (running) {
      if (!paused) {
        await round(cluster).catch(() => undefined);
        finished += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_ROUNDS_MS));
    }
  })();
  return {
    pause: () => (paused = true),
    resume: () => (paused = false),
    rounds: () => finished,
    async stop() {
      running = false;
      await loop;
    },
  };
}
