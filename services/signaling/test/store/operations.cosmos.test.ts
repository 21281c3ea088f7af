import { randomUUID } from 'node:crypto';
import { ManualClock } from '@signal/common/clock';
import { CosmosSdpStore, SDP_CONTAINER } from '../../src/store/cosmos-sdp-store.ts';
import { OFFER_HISTORY_MS, type SdpRecord } from '../../src/store/sdp-store.ts';
import { observedCosmos } from '../../../../test-support/cosmos/observed-cosmos.ts';

const MINUTE = 60_000;
const clock = new ManualClock();
const cosmos = observedCosmos([SDP_CONTAINER]);
const { observe } = cosmos;

/** An SDP store on a connection of its own, as a new replica opens it. */
async function openSdpStore(): Promise<CosmosSdpStore> {
  const { connection, containers } = await cosmos.connect();
  const sdps = new CosmosSdpStore(connection, containers[0]!, clock);
  connection.release();
  return sdps;
}

function newRecord(): SdpRecord {
  const now = clock.now();
  return { room: randomUUID(), type: 'offer', from: randomUUID(), to: randomUUID(), sdp: 'v=0\r\n', shortname: 'room', createdAt: now, expiresAt: now + 5 * MINUTE };
}

test('every SdpStore call on an existing slot is one point request (a patch for writes), reported with its request charge', async () => {
  const sdps = await openSdpStore();
  const record = newRecord();
  const doc = `/dbs/signal/colls/sdps/docs/offer.${record.from}.${record.to}`;
  const waiter = { address: 'signaling-0-abc', until: clock.now() + MINUTE };

  // A slot nobody wrote yet: the patch finds nothing, then the item is created.
  expect(await observe(() => sdps.put(record))).toEqual({ requests: [`PATCH ${doc}`, 'POST /dbs/signal/colls/sdps/docs'], charges: [['sdp_put', 1], ['sdp_put', 1]] });
  expect(await observe(() => sdps.put(record))).toEqual({ requests: [`PATCH ${doc}`], charges: [['sdp_put', 1]] });
  expect(await observe(() => sdps.get(record))).toEqual({ requests: [`GET ${doc}`], charges: [['sdp_get', 1]] });
  expect(await observe(() => sdps.watch(record, waiter))).toEqual({ requests: [`PATCH ${doc}`], charges: [['sdp_watch', 1]] });
  expect(await observe(() => sdps.clear(record))).toEqual({ requests: [`PATCH ${doc}`], charges: [['sdp_clear', 1]] });
  expect(await observe(() => sdps.get(record))).toEqual({ requests: [`GET ${doc}`], charges: [['sdp_get', 1]] });
  expect(await observe(() => sdps.clear(newRecord()))).toMatchObject({ requests: [expect.stringMatching(/^PATCH /)] });
  expect(await observe(() => sdps.ping())).toEqual({ requests: ['GET /dbs/signal/colls/sdps/docs/signal-ping'], charges: [['sdp_ping', 1]] });
  await sdps.close();
});

test('a watch creates the item of a slot this replica never saw (one request), patches one it knows, and falls back either way', async () => {
  const sdps = await openSdpStore();
  const other = await openSdpStore();
  const docs = '/dbs/signal/colls/sdps/docs';
  const waiter = () => ({ address: 'signaling-0-abc', until: clock.now() + MINUTE });

  const fresh = newRecord();
  const doc = `${docs}/offer.${fresh.from}.${fresh.to}`;
  expect(await observe(() => sdps.watch(fresh, waiter()))).toEqual({ requests: [`POST ${docs}`], charges: [['sdp_watch', 1]] });
  expect(await observe(() => sdps.watch(fresh, waiter()))).toEqual({ requests: [`PATCH ${doc}`], charges: [['sdp_watch', 1]] });

  // Written by another replica: the create conflicts and the patch returns the record.
  const posted = newRecord();
  await other.put(posted);
  cosmos.forget();
  expect(await observe(() => sdps.watch(posted, waiter()))).toEqual({
    requests: [`POST ${docs}`, `PATCH ${docs}/offer.${posted.from}.${posted.to}`],
    charges: [['sdp_watch', 1], ['sdp_watch', 1]],
  });
  expect(await sdps.watch(posted, waiter())).toEqual(posted);

  // Known here but gone (deleted behind this replica's back): the patch misses and the item is created.
  await cosmos.raw().database('signal').container('sdps').item(`offer.${fresh.from}.${fresh.to}`, fresh.room).delete();
  cosmos.forget();
  expect(await observe(() => sdps.watch(fresh, waiter()))).toEqual({ requests: [`PATCH ${doc}`, `POST ${docs}`], charges: [['sdp_watch', 1], ['sdp_watch', 1]] });
  const { resource } = await cosmos.raw().database('signal').container('sdps').item(`offer.${fresh.from}.${fresh.to}`, fresh.room).read();
  expect(resource.waiters).toEqual({ 'signaling-0-abc': expect.any(Number) });
  await Promise.all([sdps.close(), other.close()]);
});

test('a watch on an item whose ttl ends before the wait extends the ttl (Cosmos counts ttl from the last write)', async () => {
  const sdps = await openSdpStore();
  // An answer: an offer's item outlives it by OFFER_HISTORY_MS, longer than this wait.
  const record = { ...newRecord(), type: 'answer' as const, expiresAt: clock.now() + 10_000 };
  const doc = `/dbs/signal/colls/sdps/docs/answer.${record.from}.${record.to}`;
  await sdps.put(record);
  cosmos.forget();
  const until = Date.now() + 2 * MINUTE;
  expect(await observe(() => sdps.watch(record, { address: 'signaling-1-abc', until }))).toEqual({
    requests: [`PATCH ${doc}`, `PATCH ${doc}`],
    charges: [['sdp_watch', 1], ['sdp_watch', 1]],
  });
  const { resource } = await cosmos.raw().database('signal').container('sdps').item(`answer.${record.from}.${record.to}`, record.room).read();
  expect(resource._ts + resource.ttl).toBeGreaterThanOrEqual(Math.floor(until / 1000));
  await sdps.close();
});

test('a stored slot carries the point-read id, the partition key, expiresAt and a ttl in seconds', async () => {
  const sdps = await openSdpStore();
  const record = newRecord();
  await sdps.put(record);

  const { resource: sdpDocument } = await cosmos.raw().database('signal').container('sdps').item(`offer.${record.from}.${record.to}`, record.room).read();
  expect(sdpDocument).toMatchObject({ ...record, id: `offer.${record.from}.${record.to}`, waiters: {}, ttl: 300 + OFFER_HISTORY_MS / 1000 });
  await sdps.close();
});

test('ids that no item can have are refused on write and absent on read, without a request', async () => {
  const sdps = await openSdpStore();
  const record = { ...newRecord(), from: '../sessions/docs/x' };
  expect(await sdps.get(record)).toBeUndefined();
  await sdps.clear({ ...record, from: 'a.b' });
  expect(await sdps.watch({ ...record, from: 'a.b' }, { address: 'a', until: clock.now() + MINUTE })).toBeUndefined();
  await expect(sdps.put(record)).rejects.toThrow('cannot form a Cosmos item id');
  expect(cosmos.server().takeRequests()).toEqual([]);
  await sdps.close();
});
