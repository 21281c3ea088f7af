// The hand-written request checks Signal used before the wire schemas (libs/common/src/api), kept
// as they were for two things only: the baseline of bench/validators.ts (before and after in one
// run) and the differential property test that the compiled validators behave the same.
import { badRequest, HttpError } from '@signal/common/errors';
import type { SdpType } from '@signal/signaling/store/sdp-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHORTNAME = /^[a-z-]+$/;
const MAX_SHORTNAME = 128;
const MAX_ECHO = 64;

export interface RoomRef {
  uuid: string;
  shortname: string;
}

export interface SdpSubmission {
  to: string;
  sdp: string;
  room: RoomRef;
}

export interface SdpQuery {
  signalId: string;
  room: RoomRef;
  /** Seconds to long-poll; 0 answers at once, as the seed's polling clients expect. */
  waitSeconds: number;
}

export interface ExpireRequest {
  source: string;
  type: SdpType;
  destination: string;
  room: RoomRef;
}

/**
 * Echoes a rejected value the way the seed does (`Invalid id 12345678`), bounded in length.
 * Objects and arrays are only named: serialising a client's structure could be deep enough to
 * overflow the stack, and costs work for a message nobody needs in full.
 */
function echo(value: unknown): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? '[...]' : typeof value === 'object' && value !== null ? '{...}' : String(value);
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}...` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** UUIDs compare case-insensitively; they are stored lower-case so keys always match. */
function id(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') throw badRequest(`Missing ${field}`);
  if (typeof value !== 'string' || !UUID.test(value)) throw badRequest(`Invalid id ${echo(value)}`);
  return value.toLowerCase();
}

function shortname(value: unknown): string {
  if (value === undefined || value === null || value === '') throw badRequest('Missing shortname');
  if (typeof value !== 'string' || value.length > MAX_SHORTNAME || !SHORTNAME.test(value)) {
    throw badRequest(`Invalid shortname ${echo(value)}: lower-case letters and dashes only`);
  }
  return value;
}

function room(value: unknown): RoomRef {
  if (!isRecord(value)) throw badRequest('Missing room: an object with uuid and shortname');
  return { uuid: id(value.uuid, 'room.uuid'), shortname: shortname(value.shortname) };
}

function jsonBody(body: unknown): Record<string, unknown> {
  if (body === undefined) throw new HttpError(415, 'Request body must be JSON (Content-Type: application/json)');
  if (!isRecord(body)) throw badRequest('Request body must be a JSON object');
  return body;
}

export function parseSdpSubmission(body: unknown, maxBytes: number): SdpSubmission {
  const input = jsonBody(body);
  const to = id(input.to, 'to');
  const { sdp } = input;
  if (typeof sdp !== 'string' || sdp === '') throw badRequest('Missing sdp');
  if (Buffer.byteLength(sdp) > maxBytes) throw new HttpError(413, `SDP larger than ${maxBytes} bytes`);
  if (!sdp.startsWith('v=0')) throw badRequest('Invalid sdp: a session description starts with v=0');
  return { to, sdp, room: room(input.room) };
}

/** Query values must appear once; repeated keys (arrays) or nested objects are client mistakes. */
function single(query: Record<string, unknown>, name: string): unknown {
  const value = query[name];
  if (Array.isArray(value) || isRecord(value)) throw badRequest(`Invalid ${name}: give it once`);
  return value;
}

export function parseSdpQuery(query: Record<string, unknown>, maxWaitSeconds: number): SdpQuery {
  const wait = single(query, 'wait');
  let waitSeconds = 0;
  if (wait !== undefined) {
    waitSeconds = typeof wait === 'string' && /^\d{1,4}$/.test(wait) ? Number(wait) : Number.NaN;
    if (!(waitSeconds <= maxWaitSeconds)) throw badRequest(`Invalid wait ${echo(wait)}: whole seconds from 0 to ${maxWaitSeconds}`);
  }
  return {
    signalId: id(single(query, 'signalId'), 'signalId'),
    room: { uuid: id(single(query, 'room'), 'room'), shortname: shortname(single(query, 'shortname')) },
    waitSeconds,
  };
}

export function parseExpireRequest(body: unknown): ExpireRequest {
  const input = jsonBody(body);
  const { type } = input;
  if (type !== 'offer' && type !== 'answer') throw badRequest(`Invalid type ${echo(type)}: offer or answer`);
  return { source: id(input.source, 'source'), type, destination: id(input.destination, 'destination'), room: room(input.room) };
}
