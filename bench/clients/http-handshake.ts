import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpPeer, Room, SdpType, SignalHttpApi } from './http-api.ts';

/** One handshake between a caller and a callee in a fresh room; rejects when it fails. */
export type Handshake = (caller: HttpPeer, callee: HttpPeer) => Promise<void>;

export const freshRoom = (): Room => ({ uuid: randomUUID(), shortname: 'bench-room-words' });

/**
 * The long-poll client: the callee is already waiting for the offer when the caller posts it, and
 * the caller waits for the answer right after posting. Four requests, none repeated.
 */
export function longPollHandshake(api: SignalHttpApi, waitSeconds: number): Handshake {
  return async (caller, callee) => {
    const room = freshRoom();
    // Both sides start at once and are joined by Promise.all, so a failure on either is never unhandled.
    const calleeSide = api.getSdp(callee, 'offer', caller.uuid, room, waitSeconds).then((found) => {
      if (!found) throw new Error('long-poll for the offer timed out');
      return api.postSdp(callee, 'answer', caller.uuid, room);
    });
    const callerSide = api.postSdp(caller, 'offer', callee.uuid, room).then(async () => {
      if (!(await api.getSdp(caller, 'answer', callee.uuid, room, waitSeconds))) throw new Error('long-poll for the answer timed out');
    });
    await Promise.all([calleeSide, callerSide]);
  };
}

/**
 * The seed's clients: GET without `wait` every `intervalMs` until the SDP is there. The callee was
 * already polling with its own phase, so its first poll lands at a random point of the interval
 * (`phase` gives that point as a share of the interval; tests pin it).
 */
export function pollingHandshake(api: SignalHttpApi, intervalMs: number, giveUpMs: number, phase: () => number = Math.random): Handshake {
  const pollUntilFound = async (reader: HttpPeer, type: SdpType, from: string, room: Room, firstDelayMs: number) => {
    const deadline = Date.now() + giveUpMs;
    await delay(firstDelayMs);
    while (!(await api.getSdp(reader, type, from, room))) {
      if (Date.now() > deadline) throw new Error(`polling for the ${type} gave up`);
      await delay(intervalMs);
    }
  };
  return async (caller, callee) => {
    const room = freshRoom();
    const calleeSide = pollUntilFound(callee, 'offer', caller.uuid, room, phase() * intervalMs).then(() =>
      api.postSdp(callee, 'answer', caller.uuid, room),
    );
    const callerSide = api.postSdp(caller, 'offer', callee.uuid, room).then(() => pollUntilFound(caller, 'answer', callee.uuid, room, 0));
    await Promise.all([calleeSide, callerSide]);
  };
}
