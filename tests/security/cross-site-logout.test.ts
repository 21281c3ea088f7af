/**
 * Round three of the red team, cross-site logout: a link or redirect on another site to
 * `GET /logout?all=true` carries the SameSite=Lax cookie (a top-level navigation), so any page a
 * user visited could end every one of their sessions. Browsers say where a request came from in
 * `Sec-Fetch-Site`; `all=true` now needs it to be same-origin, same-site or none (typed in the
 * address bar, a bookmark), or absent (a non-browser client, or a browser older than Fetch
 * Metadata). Plain `/logout` stays as the seed defines it.
 */
import { get, login } from '../../test-support/signal/harness.ts';
import { withSignal } from './support/with-signal.ts';

function logout(url: string, path: string, cookie: string, fetchSite: string | undefined): Promise<Response> {
  return fetch(`${url}${path}`, { headers: { cookie, ...(fetchSite !== undefined ? { 'sec-fetch-site': fetchSite } : {}) } });
}

test('a cross-site GET /logout?all=true is 403 in the envelope and ends no session', async () => {
  await withSignal({}, async (signal) => {
    const uuid = crypto.randomUUID();
    const laptop = await login(signal.url, { sub: 'alice', uuid });
    const phone = await login(signal.url, { sub: 'alice', uuid });
    for (const fetchSite of ['cross-site', 'CROSS-SITE', 'something-new', '']) {
      const res = await logout(signal.url, '/logout?all=true', laptop.cookie, fetchSite);
      expect({ fetchSite, status: res.status, body: await res.json() }).toEqual({ fetchSite, status: 403, body: { body: 'logout?all=true is refused from another site' } });
    }
    expect((await get(signal.url, '/ice_servers', laptop.cookie)).status).toBe(200);
    expect((await get(signal.url, '/ice_servers', phone.cookie)).status).toBe(200);
  });
});

test('same-origin, same-site, none and an absent Sec-Fetch-Site end every session of the user', async () => {
  await withSignal({}, async (signal) => {
    for (const fetchSite of ['same-origin', 'same-site', 'none', undefined]) {
      const uuid = crypto.randomUUID();
      const laptop = await login(signal.url, { sub: `alice-${uuid}`, uuid });
      const phone = await login(signal.url, { sub: `alice-${uuid}`, uuid });
      const res = await logout(signal.url, '/logout?all=true', laptop.cookie, fetchSite);
      expect({ fetchSite, status: res.status }).toEqual({ fetchSite, status: 200 });
      expect({ fetchSite, phone: (await get(signal.url, '/ice_servers', phone.cookie)).status }).toEqual({ fetchSite, phone: 401 });
    }
  });
});

test('plain /logout (the seed\'s) still works from a cross-site navigation', async () => {
  await withSignal({}, async (signal) => {
    const user = await login(signal.url);
    expect((await logout(signal.url, '/logout', user.cookie, 'cross-site')).status).toBe(200);
    expect((await get(signal.url, '/ice_servers', user.cookie)).status).toBe(401);
  });
});
