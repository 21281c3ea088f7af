import type { WakeupHint } from '../wakeups.ts';

/** A request carries at most this many hints; more wait for the next request to the same peer. */
export const MAX_HINTS_PER_REQUEST = 32;
/** Largest body taken: 32 hints at their longest (below) with room to spare, and nothing an attacker can grow. */
export const MAX_BODY_BYTES = 64 * 1024;

const MAX_ID_LENGTH = 64;
const MAX_TOKEN_LENGTH = 1_024;
const TYPES = new Set(['offer', 'answer']);

const id = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;

export function encodeBatch(hints: readonly WakeupHint[]): Buffer {
  return Buffer.from(JSON.stringify({ hints }));
}

/** The hints of an authenticated body, checked field by field; undefined when it is not a batch. */
export function decodeBatch(body: Buffer): WakeupHint[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const hints = (parsed as { hints?: unknown } | null)?.hints;
  if (!Array.isArray(hints) || hints.length === 0 || hints.length > MAX_HINTS_PER_REQUEST) return undefined;
  const decoded: WakeupHint[] = [];
  for (const candidate of hints as unknown[]) {
    if (!isHint(candidate)) return undefined;
    const { room, type, from, to, token } = candidate;
    decoded.push(token === undefined ? { room, type, from, to } : { room, type, from, to, token });
  }
  return decoded;
}

/** Whether `candidate` is a hint a receiver takes: the sender checks too, so one bad hint cannot spoil a batch. */
export function isHint(candidate: unknown): candidate is WakeupHint {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const { room, type, from, to, token } = candidate as Record<string, unknown>;
  if (!id(room) || !id(from) || !id(to) || typeof type !== 'string' || !TYPES.has(type)) return false;
  return token === undefined || (typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH);
}
