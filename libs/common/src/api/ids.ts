import { Type } from '@sinclair/typebox';

/**
 * Peer, room and session ids are all strings on the wire; the brands keep them apart in code, so
 * a room id can never be passed where a peer id belongs. Only the request validators and the
 * session check mint them (through the functions below, after checking the value).
 */
declare const brand: unique symbol;
type Branded<Name extends string> = string & { readonly [brand]: Name };

/** A user as other peers address it: the session's `uuid`, `to`/`from`/`signalId` on the wire. */
export type PeerId = Branded<'PeerId'>;
/** A room's `uuid`. */
export type RoomId = Branded<'RoomId'>;
/** A session's store key: the hash of its cookie, never the cookie itself. */
export type SessionId = Branded<'SessionId'>;

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** A UUID as the seed writes it (`string <uuid>`); the pattern is what validation checks. */
const uuidSchema = (description: string, example: string) => Type.String({ format: 'uuid', pattern: UUID_PATTERN, description, examples: [example] });

const PEER_EXAMPLE = '095be615-a8ad-4c33-8e9c-c7612fbf6c9f';
/** Responses carry ids as the store holds them: plain strings, typed only where a request comes in. */
export const peerUuidSchema = (description: string) => uuidSchema(description, PEER_EXAMPLE);
export const PeerIdSchema = Type.Unsafe<PeerId>(peerUuidSchema('The UUID of a peer (a logged-in user)'));
export const RoomIdSchema = Type.Unsafe<RoomId>(uuidSchema('The UUID of the room', '00000000-0000-0000-0000-000000000001'));

// UUIDs compare case-insensitively; they are kept lower-case so store keys always match.
export const peerId = (checked: string) => checked.toLowerCase() as PeerId;
export const roomId = (checked: string) => checked.toLowerCase() as RoomId;
