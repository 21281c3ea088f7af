import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { setTimeout } from 'k6/timers';
import { config } from './config.ts';
import { expire, getSdp, iceServers, postSdp, sdpFrom, waitSdp, type Room, type SdpType, type SignalUser } from './signal-api.ts';
import { forgetUsers, roomUsers } from './users.ts';
import { uuidv4 } from './uuid.ts';

export type Mode = 'longpoll' | 'polling';

/** From the caller posting its offer to the caller holding the answer. */
export const handshakeDuration = new Trend('signal_handshake_duration', true);
export const handshakeSuccess = new Rate('signal_handshake_success');
/** GETs a polling client sends per SDP it waits for: the cost long-poll removes. */
export const sdpPolls = new Counter('signal_sdp_polls');

interface Pair {
  caller: SignalUser;
  callee: SignalUser;
}

const pause = (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));

async function longPollHandshake({ caller, callee }: Pair, room: Room): Promise<boolean> {
  const offerSeen = waitSdp(callee, 'offer', caller.uuid, room);
  const offered = await postSdp(caller, 'offer', callee.uuid, room);
  const answerSeen = waitSdp(caller, 'answer', callee.uuid, room);
  const offerArrived = check(await offerSeen, { 'long-poll: callee gets the caller offer': (r) => sdpFrom(r, caller.uuid) });
  const answered = offerArrived && (await postSdp(callee, 'answer', caller.uuid, room));
  const answerArrived = check(await answerSeen, { 'long-poll: caller gets the callee answer': (r) => sdpFrom(r, callee.uuid) });
  return offered && answered && answerArrived;
}

/** GET without waiting every POLL_INTERVAL_SECONDS until the SDP is there or the handshake times out. */
async function pollFor(reader: SignalUser, type: SdpType, from: string, room: Room, deadline: number, firstDelaySeconds: number): Promise<boolean> {
  await pause(firstDelaySeconds);
  for (;;) {
    const res = await getSdp(reader, type, from, room);
    sdpPolls.add(1, { type });
    if (res.status !== 204) return check(res, { [`polling: ${type} from the peer`]: (r) => sdpFrom(r, from) });
    if (Date.now() >= deadline) return check(res, { [`polling: ${type} within the handshake timeout`]: () => false });
    await pause(config.pollIntervalSeconds);
  }
}

/** The seed's clients; the callee was already polling, at its own phase of the interval. */
async function pollingHandshake({ caller, callee }: Pair, room: Room): Promise<boolean> {
  const deadline = Date.now() + config.handshakeTimeoutSeconds * 1000;
  const calleeSide = pollFor(callee, 'offer', caller.uuid, room, deadline, Math.random() * config.pollIntervalSeconds).then(
    (gotOffer) => gotOffer && postSdp(callee, 'answer', caller.uuid, room),
  );
  const offered = await postSdp(caller, 'offer', callee.uuid, room);
  const gotAnswer = offered && (await pollFor(caller, 'answer', callee.uuid, room, deadline, 0));
  return (await calleeSide) && gotAnswer;
}

async function timedHandshake(mode: Mode, pair: Pair, room: Room): Promise<void> {
  const started = Date.now();
  const ok = await (mode === 'longpoll' ? longPollHandshake : pollingHandshake)(pair, room);
  handshakeSuccess.add(ok, { mode });
  if (ok) handshakeDuration.add(Date.now() - started, { mode });
}

/**
 * One room visit: every user fetches ICE servers, PAIRS_PER_ROOM pairs handshake at once, and on
 * leaving each user expires the SDP it sent, as the seed's clients do.
 */
export async function visitRoom(mode: Mode): Promise<void> {
  const users = roomUsers(2 * config.pairsPerRoom);
  if (users === undefined) return;
  if (!users.map(iceServers).every(Boolean)) {
    forgetUsers();
    return;
  }
  const pairs: Pair[] = [];
  for (let i = 0; i + 1 < users.length; i += 2) pairs.push({ caller: users[i] as SignalUser, callee: users[i + 1] as SignalUser });
  const room: Room = { uuid: uuidv4(), shortname: 'load-test-room' };
  await Promise.all(pairs.map((pair) => timedHandshake(mode, pair, room)));
  await Promise.all(pairs.flatMap(({ caller, callee }) => [expire(caller, 'offer', callee.uuid, room), expire(callee, 'answer', caller.uuid, room)]));
}
