/** Fields Cosmos adds to every document, plus the `ttl` this adapter writes. */
const ADDED_FIELDS = ['_rid', '_etag', '_ts', '_self', '_attachments', 'ttl'];

/**
 * Characters an item id may be built from. UUIDs and similar tokens pass; `/ \ ? # %` do not,
 * since Cosmos refuses some of them and all of them could change the request path. No dot
 * either: it separates the parts of an SDP id.
 */
const ID_PART = /^[A-Za-z0-9_:-]{1,120}$/;

export const isIdPart = (value: string): boolean => ID_PART.test(value);

/**
 * Seconds until Cosmos may drop an item that expires at `expiresAt`: rounded up so TTL never
 * removes it before `expiresAt` does, and at least 1 because Cosmos rejects 0.
 */
export function ttlSeconds(expiresAt: number, now: number): number {
  return Math.max(1, Math.ceil((expiresAt - now) / 1000));
}

/** The fields the caller stored, without what Cosmos and this adapter added to the document. */
export function storedFields<T>(document: Record<string, unknown>, alsoAdded: readonly string[] = []): T {
  const fields: Record<string, unknown> = { ...document };
  for (const name of [...ADDED_FIELDS, ...alsoAdded]) delete fields[name];
  return fields as T;
}
