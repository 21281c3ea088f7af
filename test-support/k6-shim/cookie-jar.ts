// The cookie jar of `k6/http`: Set-Cookie from responses is stored per host and path, and sent
// back on later requests made with the same jar, as k6 (and a browser) do.

export interface ParsedCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  /** Seconds, when the header had Max-Age. */
  maxAge?: number;
  /** Epoch ms, when the header had Expires. */
  expires?: number;
}

interface StoredCookie extends ParsedCookie {
  host: string;
  /** Epoch ms, or Infinity for a session cookie. */
  expiresAt: number;
}

export function parseSetCookie(header: string): ParsedCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie: ParsedCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), domain: '', path: '', httpOnly: false, secure: false };
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'domain') cookie.domain = value.replace(/^\./, '').toLowerCase();
    else if (key === 'path') cookie.path = value;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'max-age') cookie.maxAge = Number(value);
    else if (key === 'expires' && Number.isFinite(Date.parse(value))) cookie.expires = Date.parse(value);
  }
  return cookie;
}

const defaultPath = (url: URL) => url.pathname.slice(0, Math.max(1, url.pathname.lastIndexOf('/'))) || '/';

export class CookieJar {
  #cookies: StoredCookie[] = [];

  /** Stores what a response to `url` set; a cookie already expired removes the stored one. */
  store(url: string, cookie: ParsedCookie): void {
    const target = new URL(url);
    const now = Date.now();
    // Max-Age wins over Expires (RFC 6265 5.3); neither makes a session cookie.
    const expiresAt = cookie.maxAge !== undefined ? now + cookie.maxAge * 1000 : (cookie.expires ?? Number.POSITIVE_INFINITY);
    const stored: StoredCookie = { ...cookie, host: cookie.domain || target.hostname, path: cookie.path || defaultPath(target), expiresAt };
    this.#cookies = this.#cookies.filter((c) => !(c.name === stored.name && c.host === stored.host && c.path === stored.path));
    if (expiresAt > now) this.#cookies.push(stored);
  }

  #matching(url: string): StoredCookie[] {
    const target = new URL(url);
    const now = Date.now();
    this.#cookies = this.#cookies.filter((c) => c.expiresAt > now);
    return this.#cookies.filter(
      (c) =>
        (target.hostname === c.host || (c.domain !== '' && target.hostname.endsWith(`.${c.host}`))) &&
        target.pathname.startsWith(c.path) &&
        (!c.secure || target.protocol === 'https:'),
    );
  }

  /** The Cookie header value for a request to `url`, or '' when no cookie applies. */
  headerFor(url: string): string {
    return this.#matching(url)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  cookiesForURL(url: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.#matching(url)) (out[c.name] ??= []).push(c.value);
    return out;
  }

  set(url: string, name: string, value: string, options: { domain?: string; path?: string; max_age?: number; secure?: boolean; http_only?: boolean } = {}): void {
    this.store(url, {
      name,
      value,
      domain: options.domain ?? '',
      path: options.path ?? '/',
      httpOnly: options.http_only ?? false,
      secure: options.secure ?? false,
      ...(options.max_age === undefined ? {} : { maxAge: options.max_age }),
    });
  }

  clear(url: string): void {
    const gone = new Set(this.#matching(url));
    this.#cookies = this.#cookies.filter((c) => !gone.has(c));
  }

  delete(url: string, name: string): void {
    const gone = new Set(this.#matching(url).filter((c) => c.name === name));
    this.#cookies = this.#cookies.filter((c) => !gone.has(c));
  }
}
