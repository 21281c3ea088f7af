import type { SignalClientOptions } from '../../../services/all-in-one/public/demo/signal-client.js';

type FetchLike = NonNullable<SignalClientOptions['fetch']>;

export interface RecordedRequest {
  method: string;
  url: URL;
  /** Undefined while the request is in flight (or when it failed without a response). */
  status?: number;
}

export interface SessionFetch {
  fetch: FetchLike;
  /** Every request in the order sent, filled in with its status when the response arrives. */
  requests: RecordedRequest[];
  /** Resolves once `count` requests matching `predicate` have been sent (responses not awaited). */
  sent(predicate: (request: RecordedRequest) => boolean, count?: number): Promise<void>;
}

export interface SessionFetchOptions {
  /** Changes what reaches the server (the record keeps what the client asked), e.g. to play an older server. */
  rewriteUrl?: (url: URL) => URL;
}

/**
 * A fetch that keeps cookies like a browser tab (one origin, one jar) and records every request,
 * so tests can drive the browser client from Node, order steps on what is on the wire, and assert
 * exactly what the client asked.
 */
export function sessionFetch(options: SessionFetchOptions = {}): SessionFetch {
  const jar = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const fetchWithJar: FetchLike = async (input, init) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const request: RecordedRequest = { method: init.method ?? 'GET', url: new URL(input) };
    const response = fetch(options.rewriteUrl?.(new URL(input)) ?? input, { ...init, headers });
    requests.push(request);
    for (const check of waiters) check();
    const settled = await response;
    request.status = settled.status;
    for (const line of settled.headers.getSetCookie()) storeCookie(jar, line);
    return settled;
  };
  const sent = (predicate: (request: RecordedRequest) => boolean, count = 1) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (requests.filter(predicate).length < count) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  return { fetch: fetchWithJar, requests, sent };
}

function storeCookie(jar: Map<string, string>, setCookie: string): void {
  const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
  const separator = pair.indexOf('=');
  if (separator <= 0) return;
  const name = pair.slice(0, separator);
  const cleared = attributes.some((attribute) => {
    const [key = '', value = ''] = attribute.split('=');
    if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
    if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
    return false;
  });
  if (cleared) jar.delete(name);
  else jar.set(name, pair.slice(separator + 1));
}
