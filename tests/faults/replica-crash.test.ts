/**
 * Two all-in-one replicas share one Cosmos store (the local Cosmos test server). One is killed
 * (SIGKILL: no drain) in the middle of a handshake, while a peer long-polls on it; the peers
 * carry on through the other replica, as an ingress would send them, with polling GETs (the
 * in-process bus cannot wake a long-poll across processes), and the handshake completes. The
 * crashed replica comes back and serves the same state.
 */
import { get, login, post, ROOM, sdpQuery, sdpText } from '../../test-support/signal/harness.ts';
import { cosmosReplicas, type CosmosReplicas } from './support/cosmos-replicas.ts';

let replicas: CosmosReplicas;
beforeAll(async () => {
  replicas = await cosmosReplicas();
});
afterAll(() => replicas.dispose());

test('a replica killed mid-handshake: the handshake completes through the other, and the restarted one serves it too', async () => {
  const [first, second] = [await replicas.start(), await replicas.start()];
  const alice = await login(first.url);
  const bob = await login(second.url);

  expect((await post(first.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('offer'), room: ROOM })).status).toBe(200);
  // Alice waits for the answer on the replica that is about to die.
  const aliceWaits = get(first.url, `/answer?${sdpQuery(bob.uuid, { wait: '20' })}`, alice.cookie).then(
    (res) => res.status,
    () => 'connection lost',
  );
  await first.kill();
  expect(await aliceWaits).toBe('connection lost');

  // Bob, on the surviving replica, reads the offer accepted by the dead one and answers.
  const offer = await get(second.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie);
  expect(offer.status).toBe(200);
  expect(await offer.json()).toEqual({ from: alice.uuid, sdp: sdpText('offer') });
  expect((await post(second.url, '/answer', bob.cookie, { to: alice.uuid, sdp: sdpText('answer'), room: ROOM })).status).toBe(200);

  // Alice's client retries; the ingress now sends her to the survivor; her session is in the store.
  const answer = await get(second.url, `/answer?${sdpQuery(bob.uuid)}`, alice.cookie);
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ from: bob.uuid, sdp: sdpText('answer') });

  const restarted = await replicas.start();
  expect((await get(restarted.url, '/readyz')).status).toBe(200);
  expect(await get(restarted.url, `/answer?${sdpQuery(bob.uuid)}`, alice.cookie).then((res) => res.json())).toEqual({ from: bob.uuid, sdp: sdpText('answer') });
  expect((await post(restarted.url, '/expire', alice.cookie, { source: alice.uuid, type: 'offer', destination: bob.uuid, room: ROOM })).status).toBe(200);
  expect((await get(second.url, `/offer?${sdpQuery(alice.uuid)}`, bob.cookie)).status).toBe(204);
}, 60_000);
