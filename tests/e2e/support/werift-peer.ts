import { RTCPeerConnection, type RTCDataChannel } from 'werift';
import type { RtcConfiguration } from '../../../services/all-in-one/public/demo/signal-client.js';

/**
 * A werift peer using exactly Signal's ICE configuration. werift leaves loopback out of host
 * candidates; listing 127.0.0.1 explicitly (and nothing else) keeps every socket on the loopback
 * interface, where coturn listens.
 */
export function weriftPeer(configuration: RtcConfiguration): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: configuration.iceServers,
    iceTransportPolicy: configuration.iceTransportPolicy,
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
  });
}

/** The channel the remote side opens, once it is open. */
export function remoteChannel(pc: RTCPeerConnection, timeoutMs: number): Promise<RTCDataChannel> {
  return withTimeout(
    new Promise((resolve) => {
      pc.onDataChannel.subscribe((channel) => {
        if (channel.readyState === 'open') resolve(channel);
        else channel.stateChanged.subscribe((state) => state === 'open' && resolve(channel));
      });
    }),
    timeoutMs,
    'remote data channel did not open',
  );
}

export function channelOpen(channel: RTCDataChannel, timeoutMs: number): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return withTimeout(
    new Promise((resolve) => channel.stateChanged.subscribe((state) => state === 'open' && resolve())),
    timeoutMs,
    `data channel "${channel.label}" did not open`,
  );
}

export function nextMessage(channel: RTCDataChannel, timeoutMs: number): Promise<string> {
  return withTimeout(
    new Promise((resolve) => channel.onMessage.subscribe((data) => resolve(data.toString()))),
    timeoutMs,
    `no message on data channel "${channel.label}"`,
  );
}

/** Rejects with `message` after `ms`; the losing promise is left to settle on its own. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface ConnectedPair {
  offerer: RTCPeerConnection;
  answerer: RTCPeerConnection;
  offererChannel: RTCDataChannel;
  answererChannel: RTCDataChannel;
}

/** Sends one message each way and returns what arrived, so callers assert on real data flow. */
export async function exchangeMessages(pair: ConnectedPair, timeoutMs: number): Promise<{ atAnswerer: string; atOfferer: string }> {
  const atAnswerer = nextMessage(pair.answererChannel, timeoutMs);
  pair.offererChannel.send('ping from offerer');
  const atOfferer = nextMessage(pair.offererChannel, timeoutMs);
  pair.answererChannel.send(`pong for "${await atAnswerer}"`);
  return { atAnswerer: await atAnswerer, atOfferer: await atOfferer };
}

export async function closePair(pair: ConnectedPair): Promise<void> {
  await Promise.all([pair.offerer.close(), pair.answerer.close()]);
}
