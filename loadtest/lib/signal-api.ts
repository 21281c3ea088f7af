import { check } from 'k6';
import http, { type CookieJar, type RefinedResponse } from 'k6/http';
import { config } from './config.ts';
import type { components, paths } from '../../services/all-in-one/public/demo/signal-api.js';
import { SAMPLE_SDP } from './sdp.ts';

// Request shapes from the types generated from Signal's OpenAPI document: an API change breaks
// the typecheck of these scripts, not a load test on staging.
type Schemas = components['schemas'];
type SdpQuery = paths['/offer']['get']['parameters']['query'];
type PostQuery = NonNullable<paths['/offer']['post']['parameters']['query']>;
export type SdpType = Schemas['ExpireRequest']['type'];
export type Room = Pick<Schemas['Room'], 'uuid' | 'shortname'>;

/** A logged-in user: its own cookie jar holds the session cookie, so one VU can play several users. */
export interface SignalUser {
  jar: CookieJar;
  uuid: string;
}

/**
 * Endpoint tags: thresholds and dashboards split on them. Long-poll GETs are tagged apart because
 * their duration is mostly waiting by design.
 */
export const ENDPOINT = {
  login: 'login',
  logout: 'logout',
  iceServers: 'ice_servers',
  postOffer: 'post_offer',
  postAnswer: 'post_answer',
  getOffer: 'get_offer',
  getAnswer: 'get_answer',
  waitOffer: 'wait_offer',
  waitAnswer: 'wait_answer',
  expire: 'expire',
} as const;

type Response = RefinedResponse<'text'>;

/** `name` groups the URLs (they carry ids) into one series per endpoint. */
function params(jar: CookieJar, endpoint: string, name: string, extra: { headers?: Record<string, string>; timeout?: string } = {}) {
  return { jar, responseType: 'text' as const, tags: { endpoint, name }, ...extra };
}

const jsonHeaders = { 'Content-Type': 'application/json' };

export function login(jwt: string): SignalUser | undefined {
  const jar = new http.CookieJar();
  const headers: Record<string, string> = { Authorization: `Bearer ${jwt}` };
  if (config.adaptHost) headers['x-adapt-host'] = config.adaptHost;
  if (config.adaptHandler) headers['x-adapt-handler'] = config.adaptHandler;
  const res = http.get(`${config.baseUrl}/login`, params(jar, ENDPOINT.login, 'GET /login', { headers }));
  const uuid = res.status === 200 ? (res.json('session.uuid') as string | undefined) : undefined;
  const ok = check(res, {
    'login: 200': (r) => r.status === 200,
    'login: session cookie set': (r) => (r.cookies[config.cookieName]?.length ?? 0) > 0,
    'login: session has a uuid': () => typeof uuid === 'string',
  });
  return ok && uuid !== undefined ? { jar, uuid } : undefined;
}

export function logout(user: SignalUser): boolean {
  const res = http.get(`${config.baseUrl}/logout`, params(user.jar, ENDPOINT.logout, 'GET /logout'));
  return check(res, { 'logout: 200': (r) => r.status === 200 });
}

/** The body is a JSON string whose content is the RTCPeerConnection config, as in the seed. */
export function iceServers(user: SignalUser): boolean {
  const res = http.get(`${config.baseUrl}/ice_servers`, params(user.jar, ENDPOINT.iceServers, 'GET /ice_servers'));
  return check(res, {
    'ice_servers: 200': (r) => r.status === 200,
    'ice_servers: a JSON string holding cfg.iceServers': (r) => {
      const inner = JSON.parse(r.body) as unknown;
      return typeof inner === 'string' && Array.isArray((JSON.parse(inner) as { cfg?: { iceServers?: unknown } }).cfg?.iceServers);
    },
  });
}

/** POSTs name their room in the query too: a room-affine ingress routes on it. */
function postUrl(path: '/offer' | '/answer' | '/expire', room: Room): string {
  const query: PostQuery = { room: room.uuid };
  return `${config.baseUrl}${path}?room=${query.room}`;
}

export async function postSdp(sender: SignalUser, type: SdpType, to: string, room: Room): Promise<boolean> {
  const submission: Schemas['SdpPost'] = { to, sdp: SAMPLE_SDP, room };
  const body = JSON.stringify(submission);
  const endpoint = type === 'offer' ? ENDPOINT.postOffer : ENDPOINT.postAnswer;
  const res = await http.asyncRequest('POST', postUrl(`/${type}`, room), body, params(sender.jar, endpoint, `POST /${type}`, { headers: jsonHeaders }));
  return check(res, { [`POST /${type}: 200`]: (r) => r.status === 200 });
}

function sdpUrl(type: SdpType, from: string, room: Room, waitSeconds?: number): string {
  const query: SdpQuery = { signalId: from, room: room.uuid, shortname: room.shortname, wait: waitSeconds };
  const search = Object.entries(query).filter(([, value]) => value !== undefined);
  return `${config.baseUrl}/${type}?${search.map(([name, value]) => `${name}=${value}`).join('&')}`;
}

/** One GET without waiting, as polling clients send it: 200 with the SDP or 204. */
export function getSdp(reader: SignalUser, type: SdpType, from: string, room: Room): Promise<Response> {
  const endpoint = type === 'offer' ? ENDPOINT.getOffer : ENDPOINT.getAnswer;
  return http.asyncRequest('GET', sdpUrl(type, from, room), null, params(reader.jar, endpoint, `GET /${type}`));
}

/** A long-poll GET: answers when the SDP is posted, or 204 after `waitSeconds`. */
export function waitSdp(reader: SignalUser, type: SdpType, from: string, room: Room): Promise<Response> {
  const endpoint = type === 'offer' ? ENDPOINT.waitOffer : ENDPOINT.waitAnswer;
  const timeout = `${config.longPollWaitSeconds + 10}s`;
  return http.asyncRequest('GET', sdpUrl(type, from, room, config.longPollWaitSeconds), null, params(reader.jar, endpoint, `GET /${type}?wait`, { timeout }));
}

/** The SDP a GET returned came from the expected peer. */
export function sdpFrom(res: Response, from: string): boolean {
  return res.status === 200 && res.json('from') === from && String(res.json('sdp')).startsWith('v=0');
}

export async function expire(user: SignalUser, type: SdpType, peer: string, room: Room): Promise<boolean> {
  const request: Schemas['ExpireRequest'] = { source: user.uuid, type, destination: peer, room };
  const body = JSON.stringify(request);
  const res = await http.asyncRequest('POST', postUrl('/expire', room), body, params(user.jar, ENDPOINT.expire, 'POST /expire', { headers: jsonHeaders }));
  return check(res, { 'POST /expire: 200': (r) => r.status === 200 });
}
