// Types for signal-client.js. Structural on purpose: the browser's RTCPeerConnection and Node
// implementations such as werift both satisfy PeerConnectionLike, and no DOM typings are needed.
// Wire shapes come from signal-api.d.ts, generated from Signal's OpenAPI document: when the API
// changes, these declarations stop typechecking instead of drifting.

import type { components } from './signal-api.js';

type Schemas = components['schemas'];

export type SdpType = Schemas['ExpireRequest']['type'];

/** A room as Signal addresses it; extra fields (name, connected) are not sent. */
export type RoomRef = Pick<Schemas['Room'], 'uuid' | 'shortname'>;

/** `GET /login`'s `session`; `uuid` is the id other peers address this user by. */
export type SignalSession = Schemas['LoginResponse']['session'];

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Ready to pass to `new RTCPeerConnection(...)`. */
export interface RtcConfiguration {
  iceServers: IceServer[];
  iceTransportPolicy: Schemas['IceConfig']['cfg']['iceTransportPolicy'];
  iceCandidatePoolSize: Schemas['IceConfig']['cfg']['iceCandidatePoolSize'];
}

/** An SDP received from a peer (`GET /offer`, `GET /answer`). */
export type SignalMessage = Schemas['StoredSdp'];

export interface SignalClientOptions {
  /** Signal's origin, e.g. `https://signal.example.com`; default: the page's own origin. */
  baseUrl?: string;
  /** Default: the global fetch. Outside a browser, pass one that keeps the session cookie. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** false: never send `wait` (poll like the original clients). Default true. */
  longPoll?: boolean;
  /** `wait` sent with each held GET; keep it under the ingress read timeout. Default 25. */
  longPollSeconds?: number;
  /** Pause between polls, and before retrying a failed request. Default 1000. */
  pollIntervalMs?: number;
}

export interface ReceiveOptions {
  /** Give up (resolve undefined) after this long; 0 checks once. Default 60000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface NegotiationOptions extends ReceiveOptions {
  /** Send the description gathered so far after this long. Default 10000. */
  gatheringTimeoutMs?: number;
}

/** An HTTP failure, with the message from Signal's `{"body": ...}` envelope (status 0: client-side). */
export declare class SignalError extends Error {
  readonly status: number;
  constructor(status: number, message: string);
}

/**
 * Signal's HTTP API. Receiving long-polls (`wait`). When the server rejects a wait (400) or a proxy
 * cuts a held request (504/408), the wait is halved, down to plain polling; when held requests
 * keep coming back empty early (the server ignores `wait`), it polls. Network errors, 429 and 5xx
 * are retried at the polling pace until the timeout.
 */
export declare class SignalClient {
  constructor(options?: SignalClientOptions);
  /** Set by `login`, cleared by `logout`. */
  readonly session: SignalSession | undefined;
  /** How `receive` currently asks; changes from 'long-poll' to 'polling' on fallback. */
  readonly mode: 'long-poll' | 'polling';
  login(token: string): Promise<SignalSession>;
  rtcConfiguration(): Promise<RtcConfiguration>;
  send(type: SdpType, to: string, sdp: string, room: RoomRef): Promise<void>;
  /** The latest `type` SDP `from` sent to this user in `room`; undefined when none came in time. */
  receive(type: SdpType, from: string, room: RoomRef, options?: ReceiveOptions): Promise<SignalMessage | undefined>;
  /** `keepalive` lets the request outlive the page (use it on `pagehide`). */
  expire(type: SdpType, peer: string, room: RoomRef, options?: { keepalive?: boolean }): Promise<void>;
  logout(): Promise<void>;
}

export interface SessionDescriptionLike {
  type: 'offer' | 'answer' | 'pranswer' | 'rollback';
  sdp: string;
}

export interface PeerConnectionLike {
  readonly iceGatheringState: string;
  readonly localDescription: SessionDescriptionLike | null;
  createOffer(): Promise<SessionDescriptionLike>;
  createAnswer(): Promise<SessionDescriptionLike>;
  setLocalDescription(description: SessionDescriptionLike): Promise<unknown>;
  setRemoteDescription(description: { type: SdpType; sdp: string }): Promise<unknown>;
  addEventListener(type: 'icegatheringstatechange', listener: () => void): void;
  removeEventListener(type: 'icegatheringstatechange', listener: () => void): void;
  getStats(): Promise<{ values(): Iterable<unknown> }>;
}

/** Offerer: expires earlier SDPs with `peer`, sends a complete (non-trickle) offer, applies the answer. */
export declare function call(client: SignalClient, pc: PeerConnectionLike, peer: string, room: RoomRef, options?: NegotiationOptions): Promise<void>;
/** Answerer: waits for `peer`'s offer, sends a complete answer. */
export declare function answerCall(client: SignalClient, pc: PeerConnectionLike, peer: string, room: RoomRef, options?: NegotiationOptions): Promise<void>;
/** Expires offers and answers between this user and `peer` in `room` (both directions). */
export declare function leave(client: SignalClient, peer: string, room: RoomRef, options?: { keepalive?: boolean }): Promise<void>;
/** True when this side makes the offer: the lower peer id offers. */
export declare function isOfferer(myId: string, peerId: string): boolean;
export declare function localDescriptionAfterGathering(pc: PeerConnectionLike, timeoutMs?: number): Promise<SessionDescriptionLike>;

export interface CandidateInfo {
  candidateType: 'host' | 'srflx' | 'prflx' | 'relay';
  address: string;
  port: number;
  protocol: string;
}

export declare function selectedCandidatePair(pc: PeerConnectionLike): Promise<{ local?: CandidateInfo; remote?: CandidateInfo } | undefined>;
