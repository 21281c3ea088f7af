import { answerCall, call, type RoomRef } from '../../../services/all-in-one/public/demo/signal-client.js';
import type { RecordedRequest } from './session-fetch.ts';
import type { TestUser } from './stack.ts';
import { channelOpen, remoteChannel, weriftPeer, withTimeout, type ConnectedPair } from './werift-peer.ts';

const CONNECT_TIMEOUT_MS = 15_000;

const isOfferRead = (request: RecordedRequest) => request.method === 'GET' && request.url.pathname === '/offer';

/** By default the offerer starts once the answerer's first read of the offer is on the wire. */
export const answererAsked = (answerer: TestUser) => answerer.sent(isOfferRead);

/**
 * The whole flow two SME Connect clients run, with werift as the WebRTC stack: each fetches its own
 * ICE configuration, the answerer is already waiting for the offer when the offerer starts
 * (`offerWhen` says what "waiting" must mean), and both data channel ends open.
 */
export async function connectThroughSignal(
  offerer: TestUser,
  answerer: TestUser,
  room: RoomRef,
  offerWhen: (answerer: TestUser) => Promise<void> = answererAsked,
): Promise<ConnectedPair> {
  const [offererConfig, answererConfig] = await Promise.all([offerer.client.rtcConfiguration(), answerer.client.rtcConfiguration()]);
  const offererPc = weriftPeer(offererConfig);
  const answererPc = weriftPeer(answererConfig);
  const offererChannel = offererPc.createDataChannel('chat');
  const answererChannel = remoteChannel(answererPc, CONNECT_TIMEOUT_MS);

  const abandon = new AbortController();
  const answered = answerCall(answerer.client, answererPc, offerer.uuid, room, { signal: abandon.signal });
  try {
    await withTimeout(Promise.race([offerWhen(answerer), answered]), CONNECT_TIMEOUT_MS, 'the answerer was not waiting for the offer');
    await Promise.all([call(offerer.client, offererPc, answerer.uuid, room), answered]);
    await channelOpen(offererChannel, CONNECT_TIMEOUT_MS);
    return { offerer: offererPc, answerer: answererPc, offererChannel, answererChannel: await answererChannel };
  } catch (error) {
    // A held read or a polling pause would otherwise outlive the test.
    abandon.abort();
    // The first failure is the one reported; the others would only be unhandled rejections.
    answered.catch(() => undefined);
    answererChannel.catch(() => undefined);
    // werift's sockets would keep the test process alive.
    await Promise.all([offererPc.close(), answererPc.close()]);
    throw error;
  }
}
