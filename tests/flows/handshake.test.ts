import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';
import { openApiDocument } from '@signal/common/http/openapi';
import { startCosmosServer, type CosmosTestServer } from '../../test-support/cosmos/cosmos-server.ts';
import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, type TestSignal } from '../../test-support/signal/harness.ts';

const ajv = new Ajv2020.default({ strict: false, validateFormats: false });
ajv.addSchema(openApiDocument, 'signal');
/** Validates a real response body against the component schema the OpenAPI document names. */
function conforms(schema: string, body: unknown): void {
  const validate = ajv.getSchema(`signal#/components/schemas/${schema}`);
  if (validate === undefined) throw new Error(`no schema ${schema}`);
  if (!validate(body)) throw new Error(`${schema}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body)}`);
}

async function storeOps(signal: TestSignal): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const value of (await signal.platform.metrics.storeDuration.get()).values) {
    if (!value.metricName?.endsWith('_count')) continue;
    const key = `${value.labels.op}:${value.labels.outcome}`;
    counts[key] = (counts[key] ?? 0) + value.value;
  }
  return counts;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
}

describe.each(['memory', 'cosmos'])('the full two-user flow with STORE=%s', (store) => {
  let cosmos: CosmosTestServer | undefined;
  let signal: TestSignal;

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (store === 'cosmos') {
      cosmos = await startCosmosServer();
      Object.assign(env, { STORE: 'cosmos', COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_CREATE_IF_MISSING: 'true', COSMOS_DATABASE: `signal-${randomUUID()}` });
    }
    signal = await startSignal({ env });
  });
  afterAll(async () => {
    await signal.shutdown();
    await cosmos?.stop();
  });

  test('login, ice_servers, offer, long-poll, answer, expire, logout', async () => {
    const alice = await login(signal.url, { name: 'Alice' });
    const bob = await login(signal.url, { name: 'Bob' });
    conforms('LoginResponse', alice.body);

    for (const user of [alice, bob]) {
      const ice = await get(signal.url, '/ice_servers', user.cookie);
      expect(ice.status).toBe(200);
      conforms('IceConfig', JSON.parse((await ice.json()) as string));
    }

    const before = await storeOps(signal);
    // Bob waits for Alice's offer before she sends it; Alice then waits for Bob's answer.
    const bobWaits = get(signal.url, `/offer?${sdpQuery(alice.uuid, { wait: '10' })}`, bob.cookie);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const offered = await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('offer'), room: ROOM });
    expect(offered.status).toBe(200);
    conforms('Accepted', await offered.json());
    const offer = await bobWaits;
    expect(offer.status).toBe(200);
    const offerBody = await offer.json();
    conforms('StoredSdp', offerBody);
    expect(offerBody).toEqual({ from: alice.uuid, sdp: sdpText('offer') });

    const aliceWaits = get(signal.url, `/answer?${sdpQuery(bob.uuid, { wait: '10' })}`, alice.cookie);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await post(signal.url, '/answer', bob.cookie, { to: alice.uuid, sdp: sdpText('answer'), room: ROOM })).status).toBe(200);
    const answer = await aliceWaits;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ from: bob.uuid, sdp: sdpText('answer') });

    // Two writes and each long-poll's first look, the watch that puts this replica's address on
    // the slot (and finds no SDP yet). Waiter and writer share the replica, so the write hands
    // the record to the waiter: no read. The answer also marks its offer answered (the handshake
    // outcome counter).
    const ops = delta(await storeOps(signal), before);
    expect(ops['sdp_put:ok']).toBe(2);
    expect(ops['sdp_watch:miss']).toBe(2);
    expect(ops['sdp_answered:ok']).toBe(1);
    expect(Object.keys(ops).filter((k) => k.startsWith('sdp_')).sort()).toEqual(['sdp_answered:ok', 'sdp_put:ok', 'sdp_watch:miss']);

    const expire = { source: alice.uuid, type: 'offer', destination: bob.uuid, room: { ...ROOM, name: 'Test Room', connected: true } };
    const expired = await (await post(signal.url, '/expire', alice.cookie, expire)).json();
    conforms('Accepted', expired);
    expect(expired).toEqual({ body: true });
    expect((await get(signal.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(204);

    expect((await get(signal.url, '/logout', alice.cookie)).status).toBe(200);
    const rejected = await get(signal.url, '/ice_servers', alice.cookie);
    expect(rejected.status).toBe(401);
    conforms('Error', await rejected.json());
    expect((await get(signal.url, '/ice_servers', bob.cookie)).status).toBe(200);
    // Alice's session ended, so only Bob's counts as active, whatever her last request.
    expect(signal.platform.metrics.activeSessions.count()).toBe(1);

    const handshakes = (await signal.platform.metrics.handshakeDuration.get()).values.find((v) => v.metricName?.endsWith('_count'));
    expect(handshakes?.value).toBe(1);
  });
});

test('the OpenAPI document is served and lists every seed path', async () => {
  const signal = await startSignal();
  try {
    const res = await get(signal.url, '/openapi.json');
    const document = (await res.json()) as { openapi: string; paths: Record<string, object> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(['/answer', '/expire', '/ice_servers', '/login', '/logout', '/offer']);
    expect(ajv.validateSchema(openApiDocument.components.schemas.LoginResponse)).toBe(true);
  } finally {
    await signal.shutdown();
  }
});
