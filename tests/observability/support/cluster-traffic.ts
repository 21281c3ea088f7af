/**
 * Steady user traffic through a multi-process cluster, as two browsers per round produce it:
 * logins on session, TURN credentials on ice, an offer and answer crossing the two signaling
 * replicas (the answer read by a long-poll parked before it is posted), logouts. As an ingress
 * balancing per request would, the replica that stores the offer alternates and is never the one
 * serving the offerer's read of the answer. Failures are part of the point (faults make requests
 * fail): they are counted, never thrown. Each completed handshake's duration as the offerer's
 * client measured it (offer sent to answer received) is kept.
 */
import { get, login, post, ROOM, sdpQuery, sdpText } from '../../../test-support/signal/harness.ts';
import type { Cluster } from '../../../test-support/cluster/cluster.ts';

export interface Traffic {
  pause(): void;
  resume(): void;
  /** Rounds finished, whether they succeeded or not. */
  rounds(): number;
  /** Client-measured durations (ms) of the handshakes completed so far, in order. */
  handshakes(): readonly number[];
  stop(): Promise<void>;
}

const PAUSE_BETWEEN_ROUNDS_MS = 50;

async function round(cluster: Cluster, index: number, completed: number[]): Promise<void> {
  const { session, ice } = cluster;
  const [first, second] = cluster.signaling;
  const [offerAt, answerAt] = index % 2 === 0 ? [first, second] : [second, first];
  const alice = await login(session.url);
  const bob = await login(session.url);
  await get(ice.url, '/ice_servers', alice.cookie);
  const started = performance.now();
  await post(offerAt.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('offer'), room: ROOM });
  await get(answerAt.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie);
  const answer = get(answerAt.url, `/answer?${sdpQuery(bob.uuid, { wait: '3' })}`, alice.cookie);
  await post(offerAt.url, '/answer', bob.cookie, { to: alice.uuid, sdp: sdpText('answer'), room: ROOM });
  const read = await answer;
  await read.arrayBuffer();
  if (read.status === 200) completed.push(performance.now() - started);
  await get(session.url, '/logout', alice.cookie);
  await get(session.url, '/logout', bob.cookie);
}

export function startTraffic(cluster: Cluster): Traffic {
  let running = true;
  let paused = false;
  let finished = 0;
  const completed: number[] = [];
  const loop = (async () => {
    while (running) {
      if (!paused) {
        await round(cluster, finished, completed).catch(() => undefined);
        finished += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_ROUNDS_MS));
    }
  })();
  return {
    pause: () => (paused = true),
    resume: () => (paused = false),
    rounds: () => finished,
    handshakes: () => completed,
    async stop() {
      running = false;
      await loop;
    },
  };
}
