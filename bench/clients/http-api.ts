import type { Dispatcher } from 'undici';
import { SAMPLE_SDP } from '../lib/sample-sdp.ts';

export type SdpType = 'offer' | 'answer';
export interface Room {
  uuid: string;
  shortname: string;
}
/** A logged-in user: the peer id others address, and the Cookie header that proves it. */
export interface HttpPeer {
  uuid: string;
  cookie: string;
}

/**
 * Signal's wire protocol (the seed's), spoken by Signal and by the protocol floor alike.
 * Every call throws on an unexpected status so a broken handshake is counted as an error.
 */
export class SignalHttpApi {
  readonly #pool: Dispatcher;
  constructor(pool: Dispatcher) {
    this.#pool = pool;
  }

  async postSdp(sender: HttpPeer, type: SdpType, to: string, room: Room): Promise<void> {
    const res = await this.#pool.request({
      method: 'POST',
      path: `/${type}`,
      headers: { cookie: sender.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ to, sdp: SAMPLE_SDP, room }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`POST /${type} ${res.statusCode}: ${text.slice(0, 200)}`);
  }

  /** True when the SDP was there (200), false on 204; with waitSeconds the server long-polls. */
  async getSdp(reader: HttpPeer, type: SdpType, from: string, room: Room, waitSeconds?: number): Promise<boolean> {
    const wait = waitSeconds === undefined ? '' : `&wait=${waitSeconds}`;
    const res = await this.#pool.request({
      method: 'GET',
      path: `/${type}?signalId=${from}&room=${room.uuid}&shortname=${room.shortname}${wait}`,
      headers: { cookie: reader.cookie },
    });
    const text = await res.body.text();
    if (res.statusCode === 204) return false;
    if (res.statusCode !== 200) throw new Error(`GET /${type} ${res.statusCode}: ${text.slice(0, 200)}`);
    return true;
  }
}

const SESSION_COOKIE = /^(sess[0-9a-f]{8}=[^;]+)/;

/** Logs in through any server that answers GET /login like Signal: a session cookie plus `session.uuid`. */
export async function login(pool: Dispatcher, path: string, headers: Record<string, string> = {}): Promise<HttpPeer> {
  const res = await pool.request({ method: 'GET', path, headers });
  const body = (await res.body.json()) as { session?: { uuid?: string } };
  if (res.statusCode !== 200) throw new Error(`GET /login ${res.statusCode}: ${JSON.stringify(body)}`);
  const setCookie = res.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
    .map((header) => SESSION_COOKIE.exec(header)?.[1])
    .find((value) => value !== undefined);
  const uuid = body.session?.uuid;
  if (cookie === undefined || uuid === undefined) throw new Error('GET /login gave no session cookie or uuid');
  return { uuid, cookie };
}
