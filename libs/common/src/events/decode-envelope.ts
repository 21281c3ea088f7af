import { EVENT_SCHEMA_VERSION, type EventEnvelope, type EventKind } from '../ports/broadcasts.ts';

export type Decoded = { ok: true; event: EventEnvelope } | { ok: false; reason: string };

const SDP_TYPES = new Set(['offer', 'answer']);
const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Required string fields of each kind's data; `type` is checked against the SDP types too. */
const DATA_FIELDS: { [K in EventKind]: readonly string[] } = {
  'session.revoked': ['sessionId'],
  'sdp.expired': ['room', 'type', 'source', 'destination'],
};

const isKind = (value: unknown): value is EventKind => typeof value === 'string' && Object.hasOwn(DATA_FIELDS, value);

/**
 * Validates a received event body field by field, whatever carried it: a foreign or older
 * producer must not reach handlers.
 */
export function decodeEnvelope(body: unknown): Decoded {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) {
    return { ok: false, reason: 'body is not a JSON object' };
  }
  const candidate = body as Record<string, unknown>;
  if (candidate.version !== EVENT_SCHEMA_VERSION) return { ok: false, reason: `unsupported version ${String(candidate.version)}` };
  if (!isString(candidate.id)) return { ok: false, reason: 'id missing' };
  if (!isKind(candidate.kind)) return { ok: false, reason: `unknown kind ${String(candidate.kind)}` };
  if (!isString(candidate.origin)) return { ok: false, reason: 'origin missing' };
  if (typeof candidate.publishedAt !== 'number' || !Number.isFinite(candidate.publishedAt)) {
    return { ok: false, reason: 'publishedAt missing' };
  }
  if (candidate.traceparent !== undefined && !isString(candidate.traceparent)) return { ok: false, reason: 'traceparent not a string' };
  const data = candidate.data;
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'data missing' };
  const fields = data as Record<string, unknown>;
  const missing = DATA_FIELDS[candidate.kind].find((field) => !isString(fields[field]));
  if (missing !== undefined) return { ok: false, reason: `data.${missing} missing` };
  if ('type' in fields && !SDP_TYPES.has(fields.type as string)) return { ok: false, reason: 'data.type not an SDP type' };
  return { ok: true, event: candidate as unknown as EventEnvelope };
}
