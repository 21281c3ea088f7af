import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { Type, type TSchema } from '@sinclair/typebox';
import { peerId, roomId } from './ids.ts';
import { expireRules, rejection, sdpPostRules, sdpQueryRules, type Rule } from './rejections.ts';
import { MAX_BYTES, wireSchemas, type ExpireRequest, type SdpQuery, type SdpSubmission, type WireLimits } from './schemas.ts';

/** Request checks compiled once at start-up from the wire schemas; each returns typed, normalised input or throws the seed's error. */
export interface RequestValidators {
  sdpSubmission(body: unknown): SdpSubmission;
  sdpQuery(query: Record<string, unknown>): SdpQuery;
  expireRequest(body: unknown): ExpireRequest;
}

/**
 * A whole number from 0 to `max` written with at most 4 digits (leading zeros allowed), as a
 * pattern: query values are strings, and a pattern lets the schema check them as written.
 */
export function wholeNumberPattern(max: number): string {
  const values = Array.from({ length: max + 1 }, (_, n) => max - n);
  return `^(?=\\d{1,4}$)0*(?:${values.join('|')})$`;
}

function compiler() {
  // allErrors: the message is chosen among all broken rules by the rules' order, not by the
  // order ajv happens to evaluate keywords in. The uuid format is documentation: the pattern checks it.
  // The patterns are ASCII, so they need no 'u' flag (slower); ajv's own messages are never shown.
  const ajv = new Ajv2020.default({ allErrors: true, strict: true, formats: { uuid: true }, unicodeRegExp: false, messages: false });
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most SDPs are known to fit without counting.
  ajv.addKeyword({ keyword: MAX_BYTES, type: 'string', schemaType: 'number', validate: (max: number, text: string) => text.length * 3 <= max || Buffer.byteLength(text) <= max });
  return <T>(schema: TSchema, rules: readonly Rule[]) => {
    const validate = ajv.compile(schema) as ValidateFunction<T>;
    return (input: unknown): T => {
      if (validate(input)) return input;
      throw rejection(rules, validate.errors ?? [], input);
    };
  };
}

export function compileRequestValidators(limits: WireLimits): RequestValidators {
  const compile = compiler();
  const { components, SdpQuery } = wireSchemas(limits);
  const submission = compile<SdpSubmission>(components.SdpPost, sdpPostRules(limits));
  const expire = compile<ExpireRequest>(components.ExpireRequest, expireRules);
  const queryStrings = Type.Object({ ...SdpQuery.properties, wait: Type.Optional(Type.String({ pattern: wholeNumberPattern(limits.longPollMaxSeconds) })) });
  const query = compile<{ signalId: string; room: string; shortname: string; wait?: string }>(queryStrings, sdpQueryRules(limits));
  return {
    sdpSubmission(body) {
      const { to, sdp, room } = submission(body);
      return { to: peerId(to), sdp, room: { uuid: roomId(room.uuid), shortname: room.shortname } };
    },
    sdpQuery(raw) {
      const { signalId, room, shortname, wait } = query(raw);
      return { signalId: peerId(signalId), room: { uuid: roomId(room), shortname }, waitSeconds: wait === undefined ? 0 : Number(wait) };
    },
    expireRequest(body) {
      const { source, type, destination, room } = expire(body);
      return { source: peerId(source), type, destination: peerId(destination), room: { uuid: roomId(room.uuid), shortname: room.shortname } };
    },
  };
}
