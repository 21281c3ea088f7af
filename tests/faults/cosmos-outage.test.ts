/**
 * Cosmos DB goes away under a running Signal (STORE=cosmos, the local Cosmos test server): every
 * request that needs the store is a prompt 503 in the envelope, `signal_dependency_up` reports it,
 * readiness and liveness stay on (a dependency outage must neither take every pod out of the load
 * balancer nor get pods restarted), and when Cosmos returns the same process serves again with the
 * data written before the outage intact.
 */
import { startCosmosServer, type CosmosTestServer } from '../../test-support/cosmos/cosmos-server.ts';
import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, tokenFor, type LoggedIn, type TestSignal } from '../../test-support/signal/harness.ts';
import { cosmosEnv } from './support/cosmos-replicas.ts';

const DEADLINE_MS = 500;
/** HTTP, Express and scheduling on a shared two-core machine on top of the store deadline. */
const MARGIN_MS = 400;

let cosmos: CosmosTestServer;
let signal: TestSignal;
let alice: LoggedIn;
let bob: LoggedIn;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  cosmos = await startCosmosServer();
  signal = await startSignal({ env: cosmosEnv(cosmos, DEADLINE_MS) });
  [alice, bob] = [await login(signal.url), await login(signal.url)];
  expect((await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('before the outage'), room: ROOM })).status).toBe(200);
});

afterEach(async () => {
  cosmos.setStalled(false);
  await cosmos.restart();
});

afterAll(async () => {
  await signal.shutdown();
  await cosmos.stop();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/** Every kind of request that touches the store: session check, SDP read and write, login, logout. */
const storeRequests: [string, () => Promise<Response>][] = [
  ['GET /ice_servers (session check)', () => get(signal.url, '/ice_servers', alice.cookie)],
  ['GET /offer', () => get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)],
  ['POST /answer', () => post(signal.url, '/answer', bob.cookie, { to: alice.uuid, sdp: sdpText('during'), room: ROOM })],
  ['POST /expire', () => post(signal.url, '/expire', bob.cookie, { source: alice.uuid, type: 'answer', destination: bob.uuid, room: ROOM })],
  ['GET /login', () => fetch(`${signal.url}/login`, { headers: { authorization: `Bearer ${tokenFor()}` } })],
];

async function expectUnavailableFast(name: string, request: () => Promise<Response>): Promise<void> {
  const started = performance.now();
  const res = await request();
  const elapsed = performance.now() - started;
  expect({ name, status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') }).toEqual({ name, status: 503, body: { body: 'Storage unavailable' }, retryAfter: '1' });
  expect(elapsed).toBeLessThan(DEADLINE_MS + MARGIN_MS);
}

/** signal_dependency_up of each store in a real scrape. */
async function dependencyUp(): Promise<Record<string, number>> {
  const text = await (await get(signal.url, '/metrics')).text();
  const samples = [...text.matchAll(/^signal_dependency_up\{dependency="(\w+)"[^}]*\} (\d)$/gm)];
  return Object.fromEntries(samples.map(([, dependency, value]) => [dependency!, Number(value)]));
}

async function expectServingAgain(): Promise<void> {
  expect((await get(signal.url, '/readyz')).status).toBe(200);
  expect(await dependencyUp()).toEqual({ session_store: 1, sdp_store: 1 });
  expect(await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie).then((res) => res.json())).toEqual({ from: alice.uuid, sdp: sdpText('before the outage') });
  expect((await get(signal.url, '/ice_servers', alice.cookie)).status).toBe(200);
  expect((await fetch(`${signal.url}/login`, { headers: { authorization: `Bearer ${tokenFor()}` } })).status).toBe(200);
}

test('Cosmos refusing connections: 503 within the deadline, signal_dependency_up 0, /readyz and /healthz 200; back without a restart', async () => {
  await cosmos.stop();
  for (const [name, request] of storeRequests) await expectUnavailableFast(name, request);
  expect(await dependencyUp()).toEqual({ session_store: 0, sdp_store: 0 });
  const ready = await get(signal.url, '/readyz');
  expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { body: 'ready' } });
  expect((await get(signal.url, '/healthz')).status).toBe(200);
  // Requests that need no store still work: the service degrades, it does not fall over.
  expect((await get(signal.url, '/openapi.json')).status).toBe(200);

  await cosmos.restart();
  await expectServingAgain();
});

test('Cosmos accepting but never answering: 503 at the deadline, not a hung client; back once it answers', async () => {
  cosmos.setStalled(true);
  for (const [name, request] of storeRequests) await expectUnavailableFast(name, request);
  expect(await dependencyUp()).toEqual({ session_store: 0, sdp_store: 0 });
  expect((await get(signal.url, '/readyz')).status).toBe(200);
  cosmos.setStalled(false);
  await expectServingAgain();
});

test('writes that failed during the outage are reported as failures, never as stored', async () => {
  await cosmos.stop();
  const during = await post(signal.url, '/offer', bob.cookie, { to: alice.uuid, sdp: sdpText('lost?'), room: ROOM });
  expect(during.status).toBe(503);
  await cosmos.restart();
  expect((await get(signal.url, `/offer?${sdpQuery(bob.uuid)}`, alice.cookie)).status).toBe(204);
});
