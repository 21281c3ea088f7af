import { Type, type Static } from '@sinclair/typebox';
import { peerUuidSchema, PeerIdSchema, RoomIdSchema, type PeerId } from './ids.ts';

/**
 * Every request and response body of Signal's wire format, defined once. The request validators,
 * the OpenAPI document and (through openapi-typescript) the clients' types all derive from these.
 * Request shapes are as lenient as the seed's clients need: extra fields are ignored, not refused.
 */

/** The limits from configuration that are part of the wire format. */
export interface WireLimits {
  sdpMaxBytes: number;
  longPollMaxSeconds: number;
}

/** A UTF-8 byte limit: JSON Schema only counts characters, so validators add this keyword. */
export const MAX_BYTES = 'x-max-bytes';

const SdpTypeSchema = Type.Unsafe<'offer' | 'answer'>(Type.String({ enum: ['offer', 'answer'], description: 'The type of SDP' }));

const ShortnameSchema = Type.String({
  pattern: '^[a-z-]+$',
  maxLength: 128,
  description: 'The room shortname: lower-case letters and dashes',
  examples: ['some-four-random-words'],
});

const ignored = (description: string) => Type.Optional(Type.Unknown({ description: `${description}; sent by some clients, not used by Signal` }));
const Room = Type.Object(
  { uuid: RoomIdSchema, shortname: ShortnameSchema, name: ignored('The room name'), connected: ignored('Whether the room is connected') },
  { description: 'The room the peers are in' },
);

const StoredSdp = Type.Object(
  { from: peerUuidSchema('The peer that sent the SDP'), sdp: Type.String({ description: 'The Session Description Protocol text' }) },
  { additionalProperties: false, description: 'The latest SDP a peer sent to the caller' },
);

const Accepted = Type.Object({ body: Type.Literal(true) }, { additionalProperties: false, description: 'Success envelope' });
const ErrorEnvelope = Type.Object({ body: Type.String() }, { additionalProperties: false, description: 'Every error: the message in the body field' });

const LoginResponse = Type.Object(
  {
    session: Type.Object(
      {
        auth_source: Type.Object({ name: Type.String(), code: Type.String() }, { additionalProperties: false }),
        subject: Type.String(),
        uid: Type.String(),
        name: Type.String(),
        uuid: peerUuidSchema('The id other peers address this user by'),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: "The logged-in user's identity" },
);

const IceConfig = Type.Object(
  {
    cfg: Type.Object(
      {
        iceCandidatePoolSize: Type.Integer({ minimum: 0 }),
        iceTransportPolicy: Type.Unsafe<'all' | 'relay'>(Type.String({ enum: ['all', 'relay'] })),
        iceServers: Type.Array(
          Type.Object(
            {
              urls: Type.String(),
              hasCredentials: Type.Boolean(),
              username: Type.Optional(Type.String({ pattern: '^\\d+:' })),
              credential: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    con: Type.Object({ optional: Type.Array(Type.Record(Type.String(), Type.Boolean())) }),
  },
  { additionalProperties: false, description: 'RTCPeerConnection configuration and legacy constraints' },
);

/** GET /login's headers that are kept with the session for audit (Node joins repeated ones). */
const ADAPT_HEADERS = ['x-adapt-host', 'x-adapt-handler', 'x-adapt-url'] as const;
const adaptHeader = Type.Optional(Type.String({ maxLength: 1024, description: 'Kept with the session for audit (at most 1024 characters)' }));
const LoginHeaders = Type.Object(Object.fromEntries(ADAPT_HEADERS.map((name) => [name, adaptHeader])) as Record<(typeof ADAPT_HEADERS)[number], typeof adaptHeader>);

/**
 * POST /offer, /answer and /expire: the body names the room; the same uuid in the query lets an
 * ingress that hashes on `room` keep every request of a room on one replica.
 */
const PostQuery = Type.Object({
  room: Type.Optional({
    ...RoomIdSchema,
    description: "The room's uuid, equal to the body's room.uuid: lets an ingress route on it (room-affine routing); optional",
  }),
});

const LogoutQuery = Type.Object({
  all: Type.Optional(Type.Unsafe<'true'>(Type.String({ enum: ['true'], description: 'true ends every session of the user, on every device' }))),
});

/** The schemas that depend on configured limits, built once at start-up. */
export function wireSchemas(limits: WireLimits) {
  // No minLength: counting a 64 KB string's code points costs more than all the rest; the pattern
  // refuses an empty SDP already.
  const sdp = Type.String({
    pattern: '^v=0',
    [MAX_BYTES]: limits.sdpMaxBytes,
    description: `The Session Description Protocol text, at most ${limits.sdpMaxBytes} bytes (SDP_MAX_BYTES)`,
  });
  const SdpPost = Type.Object(
    { to: { ...PeerIdSchema, description: 'The peer the SDP is for' }, sdp, room: Room },
    { description: 'An SDP for a peer in a room' },
  );
  const ExpireRequest = Type.Object(
    {
      source: { ...PeerIdSchema, description: 'The user asking (or the peer)' },
      type: SdpTypeSchema,
      destination: { ...PeerIdSchema, description: 'The peer (or the user asking)' },
      room: Room,
    },
    { description: 'Which SDPs to expire: one type, both directions between two peers' },
  );
  const SdpQuery = Type.Object({
    signalId: { ...PeerIdSchema, description: 'The peer whose SDP is asked for' },
    room: RoomIdSchema,
    shortname: ShortnameSchema,
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: limits.longPollMaxSeconds,
        description: 'Long-poll: seconds to wait when no SDP is stored yet (LONGPOLL_MAX_SECONDS at most); without it the answer is immediate',
      }),
    ),
  });
  return {
    /** Named in the OpenAPI document's components; nested uses become references. */
    components: { Error: ErrorEnvelope, Accepted, Room, SdpPost, StoredSdp, ExpireRequest, LoginResponse, IceConfig },
    SdpQuery,
    PostQuery,
    LoginHeaders,
    LogoutQuery,
  };
}

type Schemas = ReturnType<typeof wireSchemas>;
export type RoomRef = Static<typeof Room>;
export type SdpSubmission = Static<Schemas['components']['SdpPost']>;
export type ExpireRequest = Static<Schemas['components']['ExpireRequest']>;
export type StoredSdp = Static<typeof StoredSdp>;
export type LoginResponse = Static<typeof LoginResponse>;
export type IceConfig = Static<typeof IceConfig>;
/** A GET /offer or /answer query as the domain uses it. */
export interface SdpQuery {
  signalId: PeerId;
  room: RoomRef;
  /** Seconds to long-poll; 0 answers at once, as the seed's polling clients expect. */
  waitSeconds: number;
}
