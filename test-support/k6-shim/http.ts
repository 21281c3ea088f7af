// Shim of `k6/http`: real HTTP through a worker thread, k6's synchronous API kept synchronous,
// cookies through jars, and the built-in http_req_* metrics recorded with the request's tags.
import { CookieJar, parseSetCookie, type ParsedCookie } from './cookie-jar.ts';
import { HttpBridge } from './http-bridge.ts';
import type { WireRequest, WireResponse } from './http-wire.ts';
import { runtime } from './runtime.ts';

export { CookieJar };

type Body = string | ArrayBuffer | Record<string, string> | null | undefined;
type CookieParam = string | { value?: string; replace?: boolean };
type ResponseCallback = (response: { status: number }) => boolean;

interface Params {
  headers?: Record<string, string>;
  cookies?: Record<string, CookieParam>;
  jar?: CookieJar;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
  responseCallback?: ResponseCallback;
  redirects?: number;
}

interface HttpUrl {
  url: string;
  name: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

let bridge: HttpBridge | undefined;
const vuJar = new CookieJar();
let responseCallback: ResponseCallback = (response) => response.status >= 200 && response.status < 400;

/** The runner closes the worker when the run ends. */
export function closeHttp(): Promise<number> {
  const closing = bridge?.close() ?? Promise.resolve(0);
  bridge = undefined;
  return closing;
}

function timeoutMs(timeout: string | number | undefined): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof timeout === 'number') return timeout;
  const match = DURATION.exec(timeout);
  if (!match?.[1] || !match[2]) throw new Error(`k6 shim: bad timeout ${JSON.stringify(timeout)}`);
  return Number(match[1]) * (UNIT_MS[match[2]] ?? 1);
}

function encodeBody(body: Body, headers: Map<string, string>): Uint8Array | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // k6 sends an object body as a form.
  if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
  return new TextEncoder().encode(new URLSearchParams(body).toString());
}

/** Go's canonical header keys, which is how k6 shows response headers. */
const canonical = (name: string) => name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());

function cookieHeader(url: string, jar: CookieJar, cookies: Record<string, CookieParam> = {}): string {
  const merged = new Map<string, string>();
  for (const [name, values] of Object.entries(jar.cookiesForURL(url))) merged.set(name, `${name}=${values.join(`; ${name}=`)}`);
  for (const [name, param] of Object.entries(cookies)) {
    const value = typeof param === 'string' ? param : (param.value ?? '');
    const replace = typeof param === 'object' && param.replace === true;
    merged.set(name, replace || !merged.has(name) ? `${name}=${value}` : `${merged.get(name)}; ${name}=${value}`);
  }
  return [...merged.values()].join('; ');
}

/** A path like `session.uuid` or `items.0.id`: the part of gjson the scripts need. */
function select(value: unknown, selector: string): unknown {
  if (/[#*?|@\\]/.test(selector)) throw new Error(`k6 shim: json() selector ${selector} needs gjson features the shim lacks`);
  let current = value;
  for (const key of selector.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

class Response {
  readonly status: number;
  readonly status_text: string;
  readonly url: string;
  readonly headers: Record<string, string> = {};
  readonly cookies: Record<string, (ParsedCookie & { maxAge: number; expires: number })[]> = {};
  readonly body: string | ArrayBuffer | null;
  readonly error: string;
  readonly error_code: number;
  readonly timings: Record<string, number>;
  readonly request: { method: string; url: string; body: string; headers: Record<string, string[]> };

  constructor(request: WireRequest, wire: WireResponse, responseType: Params['responseType']) {
    this.status = wire.status;
    this.status_text = wire.status === 0 ? '' : String(wire.status);
    this.url = request.url;
    this.error = wire.error;
    this.error_code = wire.errorCode;
    for (const [name, value] of wire.headers) {
      const key = canonical(name);
      this.headers[key] = this.headers[key] === undefined ? value : `${this.headers[key]}, ${value}`;
      if (key !== 'Set-Cookie') continue;
      const cookie = parseSetCookie(value);
      if (cookie) (this.cookies[cookie.name] ??= []).push({ ...cookie, maxAge: cookie.maxAge ?? 0, expires: cookie.expires ?? 0 });
    }
    this.body = responseType === 'none' ? null : responseType === 'binary' ? Uint8Array.from(wire.body).buffer : new TextDecoder().decode(wire.body);
    // The worker times the whole exchange; k6 splits it, and `waiting` is the bulk of it on loopback.
    this.timings = { duration: wire.durationMs, waiting: wire.durationMs, blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, receiving: 0 };
    const headers: Record<string, string[]> = {};
    for (const [name, value] of request.headers) (headers[canonical(name)] ??= []).push(value);
    this.request = { method: request.method, url: request.url, body: request.body ? new TextDecoder().decode(request.body) : '', headers };
  }

  json(selector?: string): unknown {
    if (typeof this.body !== 'string') throw new Error('k6 shim: json() needs a text body');
    const parsed = JSON.parse(this.body) as unknown;
    return selector === undefined ? parsed : select(parsed, selector);
  }

  html(): never {
    throw new Error('k6 shim: html() is not implemented');
  }
}

interface Prepared {
  wire: WireRequest;
  jar: CookieJar;
  params: Params;
  tags: Record<string, string>;
}

function prepare(method: string, target: string | HttpUrl, body: Body, params: Params = {}): Prepared {
  if (runtime.inInit) throw new Error('k6 forbids HTTP requests in the init context');
  if (params.redirects !== undefined && params.redirects !== 0) throw new Error('k6 shim: redirects are not followed; set redirects: 0 or none');
  const url = typeof target === 'string' ? target : target.url;
  const jar = params.jar ?? vuJar;
  const headers = new Map(Object.entries(params.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const encoded = encodeBody(body, headers);
  const cookies = cookieHeader(url, jar, params.cookies);
  if (cookies !== '') headers.set('cookie', headers.has('cookie') ? `${headers.get('cookie')}; ${cookies}` : cookies);
  const tags = { method: method.toUpperCase(), url, name: typeof target === 'string' ? url : target.name, ...params.tags };
  return { wire: { method: method.toUpperCase(), url, headers: [...headers], body: encoded, timeoutMs: timeoutMs(params.timeout) }, jar, params, tags };
}

function finish({ wire, jar, params, tags }: Prepared, reply: WireResponse): Response {
  const response = new Response(wire, reply, params.responseType);
  for (const cookies of Object.values(response.cookies)) {
    for (const cookie of cookies) {
      jar.store(wire.url, cookie);
      if (cookie.secure && wire.url.startsWith('http:')) {
        runtime.notes.add(
          `cookie ${cookie.name} is Secure but ${new URL(wire.url).origin} is plain http: k6 sends it back over https only, so later requests go without it ` +
            '(for a local Signal, start it with SESSION_COOKIE_SECURE=false)',
        );
      }
    }
  }
  const expected = (params.responseCallback ?? responseCallback)({ status: response.status });
  const sampleTags = { ...tags, status: String(response.status), expected_response: String(expected), ...(reply.error ? { error: reply.error } : {}) };
  runtime.add('http_reqs', 1, sampleTags);
  runtime.add('http_req_failed', Number(!expected), sampleTags);
  for (const [timing, value] of Object.entries(response.timings)) runtime.add(`http_req_${timing}`, value, sampleTags);
  runtime.add('data_sent', wire.body?.byteLength ?? 0, sampleTags);
  runtime.add('data_received', reply.body.byteLength, sampleTags);
  return response;
}

const getBridge = () => (bridge ??= new HttpBridge());

export function request(method: string, url: string | HttpUrl, body?: Body, params?: Params): Response {
  const prepared = prepare(method, url, body, params);
  return finish(prepared, getBridge().requestSync(prepared.wire));
}

export async function asyncRequest(method: string, url: string | HttpUrl, body?: Body, params?: Params): Promise<Response> {
  const prepared = prepare(method, url, body, params);
  return finish(prepared, await getBridge().requestAsync(prepared.wire));
}

export const get = (url: string | HttpUrl, params?: Params) => request('GET', url, null, params);
export const head = (url: string | HttpUrl, params?: Params) => request('HEAD', url, null, params);
export const post = (url: string | HttpUrl, body?: Body, params?: Params) => request('POST', url, body, params);
export const put = (url: string | HttpUrl, body?: Body, params?: Params) => request('PUT', url, body, params);
export const patch = (url: string | HttpUrl, body?: Body, params?: Params) => request('PATCH', url, body, params);
export const del = (url: string | HttpUrl, body?: Body, params?: Params) => request('DELETE', url, body, params);
export const options = (url: string | HttpUrl, body?: Body, params?: Params) => request('OPTIONS', url, body, params);

export const cookieJar = (): CookieJar => vuJar;

/** http.url`...`: the URL plus a `name` tag with the interpolations left as ${}. */
export function url(strings: TemplateStringsArray, ...args: unknown[]): HttpUrl {
  return { url: String.raw(strings, ...args), name: strings.join('${}') };
}

export function expectedStatuses(...statuses: (number | { min: number; max: number })[]): ResponseCallback {
  return ({ status }) => statuses.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max));
}

export function setResponseCallback(callback: ResponseCallback): void {
  responseCallback = callback;
}

export function batch(): never {
  throw new Error('k6 shim: http.batch is not implemented');
}

export default { request, asyncRequest, get, head, post, put, patch, del, options, cookieJar, url, expectedStatuses, setResponseCallback, batch, CookieJar };
