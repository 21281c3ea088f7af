/**
 * Round three of the red team, session cookies: a second cookie with the session's name, planted
 * by a sibling subdomain or an http page (cookie tossing), must not lock the user out; a request
 * is let through only when exactly one of its session cookies names a live session. And the
 * `__Host-` cookie name, which a browser refuses to let any other origin set.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@signal/common/config/config';
import { ConfigError } from '@signal/common/config/env-reader';
import { get, login, post, ROOM, sdpText, tokenFor } from '../../test-support/signal/harness.ts';
import { withSignal } from './support/with-signal.ts';

const NAME = 'sess38b9de00';

describe('a planted session cookie', () => {
  test('with a planted cookie beside the live one, /offer, /ice_servers and /logout work, in either order', async () => {
    await withSignal({}, async (signal) => {
      const bob = await login(signal.url);
      const planted = `${NAME}=${randomUUID()}`;
      for (const order of ['planted first', 'planted last']) {
        const user = await login(signal.url);
        const cookie = order === 'planted first' ? `${planted}; ${user.cookie}` : `${user.cookie}; ${planted}`;
        const offer = await post(signal.url, '/offer', cookie, { to: bob.uuid, sdp: sdpText(order), room: ROOM });
        const ice = await get(signal.url, '/ice_servers', cookie);
        const logout = await get(signal.url, '/logout', cookie);
        expect({ order, offer: offer.status, ice: ice.status, logout: logout.status }).toEqual({ order, offer: 200, ice: 200, logout: 200 });
        // The logout ended the live session, and only it: the planted value never named one.
        expect((await get(signal.url, '/ice_servers', user.cookie)).status).toBe(401);
      }
    });
  });

  test('a fresh /login works while the planted cookie stays in the jar', async () => {
    await withSignal({}, async (signal) => {
      const planted = `${NAME}=${randomUUID()}`;
      const old = await login(signal.url);
      await get(signal.url, '/logout', old.cookie);
      const fresh = await login(signal.url);
      // The browser now sends the stale, the planted and the fresh value.
      const jar = `${planted}; ${old.cookie}; ${fresh.cookie}`;
      expect((await get(signal.url, '/ice_servers', jar)).status).toBe(200);
    });
  });

  test('none or several live sessions among the cookies: 401 in the envelope', async () => {
    await withSignal({}, async (signal) => {
      const alice = await login(signal.url);
      const mallory = await login(signal.url);
      const none = `${NAME}=${randomUUID()}; ${NAME}=${randomUUID()}`;
      // An attacker who plants their own live session beside the victim's gets a refusal, never
      // the victim's requests running as the attacker (or the other way round).
      const several = `${alice.cookie}; ${mallory.cookie}`;
      for (const cookie of [none, several]) {
        for (const path of ['/ice_servers', '/logout']) {
          const res = await get(signal.url, path, cookie);
          expect({ path, status: res.status, body: await res.json() }).toEqual({ path, status: 401, body: { body: path === '/logout' ? 'Failed to logout' : 'Not logged in' } });
        }
      }
      // The same value twice names one session.
      expect((await get(signal.url, '/ice_servers', `${alice.cookie}; ${alice.cookie}`)).status).toBe(200);
      expect((await get(signal.url, '/ice_servers', alice.cookie)).status).toBe(200);
      expect((await get(signal.url, '/ice_servers', mallory.cookie)).status).toBe(200);
    });
  });

  test('more than 8 session-named values are refused outright, so one request cannot cost a store read per value', async () => {
    await withSignal({}, async (signal) => {
      const user = await login(signal.url);
      const stuffed = [...Array.from({ length: 50 }, () => `${NAME}=${randomUUID()}`), user.cookie].join('; ');
      expect((await get(signal.url, '/ice_servers', stuffed)).status).toBe(401);
    });
  });
});

describe('SESSION_COOKIE_HOST_PREFIX', () => {
  test('names the cookie __Host-sess<id>, set with Secure, Path=/ and no Domain, and that name is the one read', async () => {
    await withSignal({ SESSION_COOKIE_HOST_PREFIX: 'true', SESSION_COOKIE_SECURE: 'true' }, async (signal) => {
      const res = await fetch(`${signal.url}/login`, { headers: { authorization: `Bearer ${tokenFor()}` } });
      const setCookie = res.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^__Host-sess38b9de00=[0-9a-f-]{36}; /);
      expect(setCookie).toMatch(/; Path=\/(;|$)/);
      expect(setCookie).toMatch(/; Secure(;|$)/);
      expect(setCookie).not.toMatch(/Domain=/i);
      const value = /^__Host-sess38b9de00=([^;]+)/.exec(setCookie)![1]!;
      expect((await get(signal.url, '/ice_servers', `__Host-${NAME}=${value}`)).status).toBe(200);
      // A cookie without the prefix, which any sibling could set, names nothing here.
      expect((await get(signal.url, '/ice_servers', `${NAME}=${value}`)).status).toBe(401);
      const document = (await (await get(signal.url, '/openapi.json')).json()) as { components: { securitySchemes: { sessionCookie: { name: string } } } };
      expect(document.components.securitySchemes.sessionCookie.name).toBe(`__Host-${NAME}`);
    });
  });

  test('with SESSION_COOKIE_SECURE=false or a SESSION_COOKIE_DOMAIN, start-up fails naming the variables', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env, 'signaling', () => '');
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems({ SESSION_COOKIE_HOST_PREFIX: 'true', SESSION_COOKIE_SECURE: 'false', SESSION_COOKIE_DOMAIN: 'example.com' })).toEqual([
      expect.stringMatching(/SESSION_COOKIE_HOST_PREFIX=true .*SESSION_COOKIE_SECURE.*/),
      expect.stringMatching(/SESSION_COOKIE_HOST_PREFIX=true .*SESSION_COOKIE_DOMAIN.*/),
    ]);
    expect(problems({ SESSION_COOKIE_HOST_PREFIX: 'true' })).toEqual([]);
    expect(loadConfig({}, 'signaling', () => '').session.cookieName).toBe(NAME);
  });
});
