import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Whether a request carries a valid master-key signature for `key`, checked as a real account
 * does (the signed text is verb, resource type, resource id and date), so a client signing with
 * the wrong key is refused instead of silently accepted.
 */
export function signedWith(key: string, req: IncomingMessage): boolean {
  // Split by hand: URLSearchParams would turn the signature's base64 '+' into spaces.
  const auth = new Map(decodeURIComponent(String(req.headers.authorization ?? '')).split('&').map((field) => {
    const at = field.indexOf('=');
    return [field.slice(0, at), field.slice(at + 1)] as const;
  }));
  const date = req.headers['x-ms-date'] ?? req.headers.date;
  if (auth.get('type') !== 'master' || typeof date !== 'string') return false;
  const segments = new URL(req.url ?? '/', 'http://cosmos').pathname.split('/').filter(Boolean).map(decodeURIComponent);
  // /dbs/a/colls/b names a resource (type colls, id dbs/a/colls/b); /dbs/a/colls a feed (type colls, id dbs/a).
  const named = segments.length % 2 === 0;
  const type = (named ? segments.at(-2) : segments.at(-1)) ?? '';
  const id = (named ? segments : segments.slice(0, -1)).join('/');
  const text = `${(req.method ?? '').toLowerCase()}\n${type.toLowerCase()}\n${type === 'offers' ? id.toLowerCase() : id}\n${date.toLowerCase()}\n\n`;
  return auth.get('sig') === createHmac('sha256', Buffer.from(key, 'base64')).update(text).digest('base64');
}
