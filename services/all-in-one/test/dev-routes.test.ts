/** In dev mode the URL `npm start` prints answers: `/` leads to the demo. Outside dev mode `/` stays a 404. */
import { startService, type RunningService } from '@signal/common/http/serve';
import { iceService } from '@signal/ice/app';
import { sessionService } from '@signal/session/app';
import { signalingService } from '@signal/signaling/app';
import { testEnv } from '../../../test-support/signal/harness.ts';
import { devRoutes } from '../src/dev-routes.ts';

async function allInOne(env: Record<string, string | undefined>): Promise<RunningService> {
  return startService({
    role: 'all-in-one',
    env: testEnv(env),
    services: async (platform) => [sessionService(platform), await signalingService(platform), iceService(platform)],
    extra: devRoutes,
  });
}

test('dev mode: GET / redirects to /demo/, which serves the page', async () => {
  const signal = await allInOne({ AUTH_JWT_SECRET: undefined });
  try {
    const res = await fetch(`http://127.0.0.1:${signal.port}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/demo/');
    const page = await fetch(`http://127.0.0.1:${signal.port}/`);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`http://127.0.0.1:${signal.port}/demo/`);
    expect(await page.text()).toContain('<title>');
  } finally {
    await signal.shutdown();
  }
});

test('outside dev mode / is not a route', async () => {
  const signal = await allInOne({});
  try {
    const res = await fetch(`http://127.0.0.1:${signal.port}/`, { redirect: 'manual' });
    expect(res.status).toBe(404);
  } finally {
    await signal.shutdown();
  }
});
