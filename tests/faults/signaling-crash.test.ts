/**
 * A signaling replica SIGKILLed while its address is on a slot: the POST that fills the slot
 * sends a wake-up hint to a replica that is gone. The hint is counted dropped, nothing else on the
 * sender notices (the bus stays up), and the client's re-GET on a surviving replica succeeds.
 */
import { randomUUID } from 'node:crypto';
import { createCosmosClient } from '@signal/common/adapters/cosmos/connection';
import { startCluster, type Cluster } from '../../test-support/cluster/cluster.ts';
import { get, login, post, ROOM, sdpQuery, sdpText } from '../../test-support/signal/harness.ts';

let cluster: Cluster;
const database = `signal-${randomUUID()}`;
beforeAll(async () => {
  cluster = await startCluster({ COSMOS_DATABASE: database });
}, 60_000);
afterAll(() => cluster?.stop(), 30_000);

async function metricSum(url: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

test('a replica killed with its address on a slot: the POST\'s wake-up is dropped, the bus stays up, the re-GET elsewhere succeeds', async () => {
  const [survivor, victim] = cluster.signaling;
  const alice = await login(cluster.session.url);
  const bob = await login(cluster.session.url);

  const bobWaits = get(victim.url, `/offer?${sdpQuery(alice.uuid, { wait: '20' })}`, bob.cookie).then(
    (res) => res.status,
    () => 'connection lost',
  );
  // The waiter's address is on the slot item once its watch landed.
  const cosmos = createCosmosClient(cluster.cosmos.endpoint, cluster.cosmos.key);
  const item = cosmos.database(database).container('sdps').item(`offer.${alice.uuid}.${bob.uuid}`, ROOM.uuid);
  let address: string | undefined;
  for (let i = 0; i < 100 && address === undefined; i += 1) {
    const { resource } = await item.read<{ waiters?: Record<string, number> }>();
    address = Object.keys(resource?.waiters ?? {})[0];
    if (address === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  cosmos.dispose();
  expect(address).toBe(victim.logs.find((entry) => entry.msg === 'taking wake-ups from other signaling replicas')?.address);

  await victim.kill();
  expect(await bobWaits).toBe('connection lost');

  expect((await post(survivor.url, '/offer', alice.cookie, { to: bob.uuid, sdp: sdpText('offer'), room: ROOM })).status).toBe(200);
  let dropped = 0;
  for (let i = 0; i < 50 && dropped === 0; i += 1) {
    dropped = await metricSum(survivor.url, 'signal_wakeups_total', 'path="crossed",outcome="dropped"');
    if (dropped === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(dropped).toBe(1);
  expect(await metricSum(survivor.url, 'signal_bus_connected', '')).toBe(1);

  const offer = await get(survivor.url, `/offer?${sdpQuery(alice.uuid, { wait: '5' })}`, bob.cookie);
  expect(offer.status).toBe(200);
  expect(await offer.json()).toEqual({ from: alice.uuid, sdp: sdpText('offer') });
}, 60_000);
