import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The request's credentials travel in headers, so a request is judged before a byte of its body
 * is read: the MAC covers the recipient's address, the timestamp, the nonce and the SHA-256 of
 * the body, and the body, once read (a few KB at most), must hash to what was signed.
 */
export const HEADERS = {
  to: 'signal-wakeup-to',
  timestamp: 'signal-wakeup-timestamp',
  nonce: 'signal-wakeup-nonce',
  bodyHash: 'signal-wakeup-content-sha256',
  mac: 'signal-wakeup-mac',
} as const;

/** A request whose timestamp is further than this from the receiver's clock is refused; the replay cache remembers nonces this long. */
export const FRESHNESS_MS = 10_000;

const NONCE = /^[A-Za-z0-9_-]{22}$/;
const DIGEST = /^[A-Za-z0-9_-]{43}$/;
const TIMESTAMP = /^\d{1,15}$/;

export const sha256 = (body: Buffer): string => createHash('sha256').update(body).digest('base64url');

function mac(key: Buffer, to: string, timestamp: string, nonce: string, bodyHash: string): Buffer {
  return createHmac('sha256', key).update(`signal-wakeup-v1\n${to}\n${timestamp}\n${nonce}\n${bodyHash}`).digest();
}

/** The headers that authenticate `body` for the replica at `to`, signed with `key` now. */
export function signRequest(key: Buffer, to: string, body: Buffer, now: number): Record<string, string> {
  const timestamp = String(Math.trunc(now));
  const nonce = randomBytes(16).toString('base64url');
  const bodyHash = sha256(body);
  return {
    [HEADERS.to]: to,
    [HEADERS.timestamp]: timestamp,
    [HEADERS.nonce]: nonce,
    [HEADERS.bodyHash]: bodyHash,
    [HEADERS.mac]: mac(key, to, timestamp, nonce, bodyHash).toString('base64url'),
  };
}

export type Verdict = { ok: true; nonce: string; timestamp: number; bodyHash: string } | { ok: false; reason: 'malformed' | 'recipient' | 'stale' | 'mac' };

const one = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Judges a request's headers for the replica at `self`: well-formed, signed with one of `keys`
 * (every secret of the rotation list is accepted), then addressed to it and fresh. The MAC is
 * checked over the recipient the request names, so a request a peer signed for another replica
 * (a previous process on this IP and port) is told apart from a forgery: `mac` and `malformed`
 * come from strangers, `recipient` and `stale` from a holder of the secret. MACs are compared in
 * constant time.
 */
export function verifyHeaders(keys: readonly Buffer[], self: string, headers: IncomingHttpHeaders, now: number): Verdict {
  const [to, timestamp, nonce, bodyHash, given] = [HEADERS.to, HEADERS.timestamp, HEADERS.nonce, HEADERS.bodyHash, HEADERS.mac].map((name) => one(headers, name));
  if (to === undefined || timestamp === undefined || nonce === undefined || bodyHash === undefined || given === undefined) return { ok: false, reason: 'malformed' };
  if (!TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || !DIGEST.test(bodyHash) || !DIGEST.test(given)) return { ok: false, reason: 'malformed' };
  const presented = Buffer.from(given, 'base64url');
  // Every key is tried, so the time taken does not tell which one matched.
  let matched = false;
  for (const key of keys) matched = timingSafeEqual(presented, mac(key, to, timestamp, nonce, bodyHash)) || matched;
  if (!matched) return { ok: false, reason: 'mac' };
  if (to !== self) return { ok: false, reason: 'recipient' };
  const sent = Number(timestamp);
  if (Math.abs(now - sent) > FRESHNESS_MS) return { ok: false, reason: 'stale' };
  return { ok: true, nonce, timestamp: sent, bodyHash };
}
