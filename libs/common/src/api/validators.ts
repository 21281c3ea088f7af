import Ajv from 'ajv';
import type { Options, ValidateFunction } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types/index.js';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { HttpError } from '../errors.ts';
import { peerId, roomId } from './ids.ts';
import { expireRules, loginHeaderRules, logoutQueryRules, postQueryRules, rejection, roomMismatch, sdpPostRules, sdpQueryRules, type Rule } from './rejections.ts';
import { unrolledRegExp } from './unrolled-pattern.ts';
import { MAX_BYTES, wireSchemas, type ExpireRequest, type RoomRef, type SdpQuery, type SdpSubmission, type WireLimits } from './schemas.ts';

/** Request checks compiled once at start-up from the wire schemas; each returns typed, normalised input or throws the seed's error. */
export interface RequestValidators {
  sdpSubmission(body: unknown): SdpSubmission;
  /** A POST's query: its optional `room` must be the body's room (already validated). */
  postQuery(query: Record<string, unknown>, room: RoomRef): void;
  sdpQuery(query: Record<string, unknown>): SdpQuery;
  expireRequest(body: unknown): ExpireRequest;
  /** GET /login's audit headers, '' when absent. */
  loginHeaders(headers: Record<string, unknown>): { host: string; handler: string; url: string };
  /** GET /logout: whether to end every session of the user. */
  logoutQuery(query: Record<string, unknown>): { all: boolean };
}

/**
 * A whole number from 0 to `max` written with at most 4 digits (leading zeros allowed), as a
 * pattern: query values are strings, and a pattern lets the schema check them as written.
 */
export function wholeNumberPattern(max: number): string {
  const values = Array.from({ length: max + 1 }, (_, n) => max - n);
  return `^(?=\\d{1,4}$)0*(?:${values.join('|')})$`;
}

/**
 * Passed to every call: given a context, ajv's function destructures it instead of allocating a
 * default one per call. Every field is present (the top level: no path, no parent, rootData
 * defaulting to the data), so the reads hit own properties instead of missing down the prototype
 * chain.
 */
const TOP_LEVEL = { instancePath: '', parentData: undefined, parentDataProperty: undefined, rootData: undefined } as unknown as DataValidationCxt;

function compiler() {
  // Draft-07 ajv: the request schemas use nothing newer, and 2020-12 validators allocate per call
  // for dynamic anchors. The uuid format is documentation: the pattern checks it. The patterns are
  // ASCII, so they need no 'u' flag (slower); ajv's own messages are never shown. maxLength counts
  // UTF-16 units (unicode: false) as the hand-written checks did: counting code points walks the
  // whole string, header values are latin-1, and a shortname's pattern refuses any non-ASCII.
  // ajv calls that option deprecated and would print so at every start; strict mode throws on
  // every schema problem, so its logger has nothing else to say.
  const options: Options = {
    strict: true,
    formats: { uuid: true },
    unicodeRegExp: false,
    unicode: false,
    messages: false,
    logger: false,
    code: { regExp: unrolledRegExp },
  };
  // Accepting stops at the first broken keyword. Refusing looks at all of them (allErrors): the
  // message is that of the first broken rule in the rules' order, not in ajv's keyword order.
  const [accepting, refusing] = [new Ajv.default(options), new Ajv.default({ ...options, allErrors: true })];
  for (const ajv of [accepting, refusing]) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most SDPs are known to fit without counting.
    ajv.addKeyword({ keyword: MAX_BYTES, type: 'string', schemaType: 'number', validate: (max: number, text: string) => text.length * 3 <= max || Buffer.byteLength(text) <= max });
  }
  return <T>(schema: TSchema, rules: readonly Rule[]) => {
    const refuse = refusing.compile(schema);
    return {
      accepts: accepting.compile(schema) as ValidateFunction<T>,
      /** The seed's error for input `accepts` refused. */
      refusal(input: unknown): HttpError {
        refuse(input, TOP_LEVEL);
        return rejection(rules, refuse.errors ?? [], input);
      },
    };
  };
}

export function compileRequestValidators(limits: WireLimits): RequestValidators {
  const compile = compiler();
  const { components, SdpQuery, PostQuery, LoginHeaders, LogoutQuery } = wireSchemas(limits);
  const headers = compile<Static<typeof LoginHeaders>>(LoginHeaders, loginHeaderRules);
  const logout = compile<Static<typeof LogoutQuery>>(LogoutQuery, logoutQueryRules);
  const submission = compile<SdpSubmission>(components.SdpPost, sdpPostRules(limits));
  const postQuery = compile<Static<typeof PostQuery>>(PostQuery, postQueryRules);
  const expire = compile<ExpireRequest>(components.ExpireRequest, expireRules);
  const queryStrings = Type.Object({ ...SdpQuery.properties, wait: Type.Optional(Type.String({ pattern: wholeNumberPattern(limits.longPollMaxSeconds) })) });
  const query = compile<{ signalId: string; room: string; shortname: string; wait?: string }>(queryStrings, sdpQueryRules(limits));
  // Each route calls its own validate function from its own code, so that every call site stays
  // monomorphic (one shared wrapper would see all three and run slower than the hand-written checks).
  return {
    sdpSubmission(body) {
      if (!submission.accepts(body, TOP_LEVEL)) throw submission.refusal(body);
      const { to, sdp, room } = body;
      return { to: peerId(to), sdp, room: { uuid: roomId(room.uuid), shortname: room.shortname } };
    },
    postQuery(raw, room) {
      if (!postQuery.accepts(raw, TOP_LEVEL)) throw postQuery.refusal(raw);
      if (raw.room !== undefined && roomId(raw.room) !== room.uuid) throw roomMismatch(raw.room);
    },
    sdpQuery(raw) {
      if (!query.accepts(raw, TOP_LEVEL)) throw query.refusal(raw);
      const { signalId, room, shortname, wait } = raw;
      return { signalId: peerId(signalId), room: { uuid: roomId(room), shortname }, waitSeconds: wait === undefined ? 0 : Number(wait) };
    },
    expireRequest(body) {
      if (!expire.accepts(body, TOP_LEVEL)) throw expire.refusal(body);
      const { source, type, destination, room } = body;
      return { source: peerId(source), type, destination: peerId(destination), room: { uuid: roomId(room.uuid), shortname: room.shortname } };
    },
    loginHeaders(raw) {
      if (!headers.accepts(raw, TOP_LEVEL)) throw headers.refusal(raw);
      return { host: raw['x-adapt-host'] ?? '', handler: raw['x-adapt-handler'] ?? '', url: raw['x-adapt-url'] ?? '' };
    },
    logoutQuery(raw) {
      if (!logout.accepts(raw, TOP_LEVEL)) throw logout.refusal(raw);
      return { all: raw.all !== undefined };
    },
  };
}
