/**
 * The document a running Signal serves at GET /openapi.json is one consumers can generate from:
 * Redocly's recommended lint finds nothing, servers are PUBLIC_URL or the relative '/', and the
 * openapi-typescript types generated from it are the ones the demo client and the k6 scripts
 * typecheck against.
 */
import { request } from 'node:http';
import { committedClientTypes, generateClientTypes } from '../../libs/common/test/api/client-types.ts';
import { redoclyLint } from '../../libs/common/test/api/redocly-lint.ts';
import { get, startSignal, type TestSignal } from '../../test-support/signal/harness.ts';

type Served = { servers: { url: string }[] } & Record<string, unknown>;
let signal: TestSignal;
let configured: TestSignal;
beforeAll(async () => {
  signal = await startSignal();
  configured = await startSignal({ env: { SDP_MAX_BYTES: '4096', LONGPOLL_MAX_SECONDS: '9', SESSION_COOKIE_ID: '0a1b2c3d' } });
});
afterAll(() => Promise.all([signal.shutdown(), configured.shutdown()]));

async function served(from = signal): Promise<Served> {
  const res = await get(from.url, '/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Served;
}

/** fetch will not send a Host header of our choosing; node:http will. */
function servedFor(host: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    request(`${signal.url}/openapi.json`, { headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text) as Served));
    })
      .on('error', reject)
      .end();
  });
}

test('Redocly recommended lint of the served document: 0 errors, 0 warnings', async () => {
  const result = await redoclyLint(await served());
  expect(result.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`)).toEqual([]);
  expect(result.totals).toMatchObject({ errors: 0, warnings: 0 });
}, 60_000);

test("servers is the relative '/' without PUBLIC_URL, whatever the Host; limits and cookie are this deployment's", async () => {
  expect((await served()).servers.map((server) => server.url)).toEqual(['/']);
  expect((await servedFor('signal.test:8443')).servers.map((server) => server.url)).toEqual(['/']);
  const document = await served(configured);
  expect(JSON.stringify(document)).toContain('"name":"sess0a1b2c3d"');
  expect(JSON.stringify(document)).toContain('"x-max-bytes":4096');
  expect(JSON.stringify(document)).toContain('"maximum":9');
});

test('openapi-typescript types generated from the served document are the committed ones', async () => {
  expect(await generateClientTypes(await served())).toBe(committedClientTypes());
}, 30_000);
