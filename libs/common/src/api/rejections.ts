import type { ErrorObject } from 'ajv';
import { badRequest, HttpError } from '../errors.ts';
import { MAX_BYTES, type WireLimits } from './schemas.ts';

/**
 * The one place where schema errors become the seed's messages (`Invalid id 12345678`, `Missing to`).
 * A request may break several rules at once; the message is that of the first broken rule in
 * the order below, which is the order clients have always seen.
 */
export interface Rule {
  /** JSON pointer of the value the rule is about ('' is the whole body). */
  at: string;
  /** Only errors from these schema keywords; all keywords when absent. */
  keywords?: readonly string[];
  reject: (value: unknown) => HttpError;
}

const MAX_ECHO = 64;

/**
 * Echoes a rejected value the way the seed does, bounded in length. Objects and arrays are only
 * named: serialising a client's structure could be deep enough to overflow the stack, and costs
 * work for a message nobody needs in full.
 */
function echo(value: unknown): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? '[...]' : typeof value === 'object' && value !== null ? '{...}' : String(value);
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}...` : text;
}

const isMissing = (value: unknown) => value === undefined || value === null || value === '';
const isStructured = (value: unknown) => typeof value === 'object' && value !== null;

const jsonObject: Rule = {
  at: '',
  reject: (value) =>
    value === undefined ? new HttpError(415, 'Request body must be JSON (Content-Type: application/json)') : badRequest('Request body must be a JSON object'),
};

const id = (at: string, name: string): Rule => ({
  at,
  reject: (value) => badRequest(isMissing(value) ? `Missing ${name}` : `Invalid id ${echo(value)}`),
});

const shortname = (at: string): Rule => ({
  at,
  reject: (value) => badRequest(isMissing(value) ? 'Missing shortname' : `Invalid shortname ${echo(value)}: lower-case letters and dashes only`),
});

const room: Rule[] = [
  { at: '/room', reject: () => badRequest('Missing room: an object with uuid and shortname') },
  id('/room/uuid', 'room.uuid'),
  shortname('/room/shortname'),
];

/** Query values must appear once; a repeated key (an array) is a client mistake, named as such. */
const once = (rule: Rule): Rule => {
  const name = rule.at.slice(1);
  return { at: rule.at, reject: (value) => (isStructured(value) ? badRequest(`Invalid ${name}: give it once`) : rule.reject(value)) };
};

export function sdpPostRules(limits: WireLimits): Rule[] {
  return [
    jsonObject,
    id('/to', 'to'),
    { at: '/sdp', keywords: ['required', 'type'], reject: () => badRequest('Missing sdp') },
    { at: '/sdp', keywords: [MAX_BYTES], reject: () => new HttpError(413, `SDP larger than ${limits.sdpMaxBytes} bytes`) },
    {
      at: '/sdp',
      keywords: ['pattern'],
      reject: (value) => badRequest(value === '' ? 'Missing sdp' : 'Invalid sdp: a session description starts with v=0'),
    },
    ...room,
  ];
}

export const expireRules: Rule[] = [
  jsonObject,
  { at: '/type', reject: (value) => badRequest(`Invalid type ${echo(value)}: offer or answer`) },
  id('/source', 'source'),
  id('/destination', 'destination'),
  ...room,
];

export function sdpQueryRules(limits: WireLimits): Rule[] {
  return [
    once({ at: '/wait', reject: (value) => badRequest(`Invalid wait ${echo(value)}: whole seconds from 0 to ${limits.longPollMaxSeconds}`) }),
    once(id('/signalId', 'signalId')),
    once(id('/room', 'room')),
    once(shortname('/shortname')),
  ];
}

/** The query of a POST: `room`, when given, is a uuid, given once (its match with the body is checked after). */
export const postQueryRules: Rule[] = [
  once({ at: '/room', reject: (value) => badRequest(isMissing(value) ? 'Invalid room: give the room uuid or leave room out' : `Invalid room ${echo(value)}`) }),
];

const otherRoom: Rule = { at: '/room', reject: (value) => badRequest(`Invalid room ${echo(value)}: not the room.uuid of the body`) };
/** A `room` query value that is a uuid but not the body's room. */
export const roomMismatch = (value: string): HttpError => withoutStack(otherRoom, value);

export const loginHeaderRules: Rule[] = ['/x-adapt-host', '/x-adapt-handler', '/x-adapt-url'].map((at) => ({
  at,
  reject: () => badRequest(`Invalid ${at.slice(1)} header`),
}));

export const logoutQueryRules: Rule[] = [{ at: '/all', reject: () => badRequest('Invalid all: only all=true is accepted') }];

function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  let start = 1;
  while (start <= pointer.length) {
    const end = pointer.indexOf('/', start);
    const key = pointer.slice(start, end === -1 ? undefined : end);
    value = isStructured(value) ? (value as Record<string, unknown>)[key] : undefined;
    if (end === -1) break;
    start = end + 1;
  }
  return value;
}

/** A missing property is reported at its parent; rules name the property itself. */
function breaks(rule: Rule, error: ErrorObject): boolean {
  if (rule.keywords !== undefined && !rule.keywords.includes(error.keyword)) return false;
  if (error.keyword !== 'required') return error.instancePath === rule.at;
  const missing = String(error.params.missingProperty);
  return rule.at.length === error.instancePath.length + 1 + missing.length && rule.at.startsWith(error.instancePath) && rule.at.endsWith(`/${missing}`);
}

/**
 * A refusal is an answer to the client, not a fault: the error handler sends its message and logs
 * nothing, so the stack trace an Error captures (most of a refusal's cost) would never be read.
 */
function withoutStack(rule: Rule, value: unknown): HttpError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return rule.reject(value);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The client-facing error for a request the schema refused (validated with allErrors). */
export function rejection(rules: readonly Rule[], errors: readonly ErrorObject[], data: unknown): HttpError {
  for (const rule of rules) {
    for (const error of errors) if (breaks(rule, error)) return withoutStack(rule, valueAt(data, rule.at));
  }
  // Every property the schemas check has a rule (a test walks them); this covers a future schema
  // keyword without one, so that a refused request is still a 400 and never a 500.
  return badRequest('Invalid request');
}
