import { randomUUID } from 'node:crypto';
import { ManualClock } from '@signal/common/clock';
import { DependencyUnavailableError } from '@signal/common/errors';
import { CosmosConnection } from '@signal/common/adapters/cosmos/connection';
import { CosmosSessionStore } from '@signal/common/adapters/cosmos/cosmos-session-store';
import type { SessionStore } from '@signal/common/ports/session-store';
import { CosmosSdpStore, SDP_CONTAINER } from '../../src/store/cosmos-sdp-store.ts';
import type { SdpStore, SdpRecord } from '../../src/store/sdp-store.ts';
import { type CosmosTestServer, startCosmosServer } from '../../../../test-support/cosmos/cosmos-server.ts';

const DEADLINE_MS = 400;
/** Scheduling slack on a shared two-core machine; the SDK gets no extra time beyond the deadline. */
const MARGIN_MS = 250;

let server: CosmosTestServer;
let sessions: SessionStore;
let sdps: SdpStore;
const clock = new ManualClock();
const throttles: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startCosmosServer();
  // Both stores on one connection, as in a signaling process.
  const connection = await CosmosConnection.open({
    endpoint: server.endpoint,
    key: server.key,
    createIfMissing: true,
    requestTimeoutMs: DEADLINE_MS,
    onThrottle: (op) => throttles.push(op),
  });
  sessions = new CosmosSessionStore(connection, clock);
  sdps = new CosmosSdpStore(connection, await connection.container(SDP_CONTAINER), clock);
  connection.release();
});

afterEach(async () => {
  server.setStalled(false);
  server.throttle(0);
  await server.restart();
});

afterAll(async () => {
  await Promise.all([sessions.close(), sdps.close()]);
  await server.stop();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

function newRecord(): SdpRecord {
  const now = clock.now();
  return { room: randomUUID(), type: 'answer', from: randomUUID(), to: randomUUID(), sdp: 'v=0\r\n', shortname: 'room', createdAt: now, expiresAt: now + 60_000 };
}

/** Awaits `call`, expecting DependencyUnavailableError('cosmos'); returns how long it took. */
async function timeUnavailable(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const error = await call().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DependencyUnavailableError);
  expect((error as DependencyUnavailableError).dependency).toBe('cosmos');
  return performance.now() - started;
}

/** Resolves once `condition` holds, checking on every turn of the event loop for at most `ms`. */
async function eventually(condition: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('a stopped server fails calls in flight and after, fast, and ping rejects; a restart heals the same stores', async () => {
  const before = newRecord();
  await sdps.put(before);

  const inFlight = Array.from({ length: 20 }, () => sdps.get(before).then(() => 'answered', (error: unknown) => error));
  await server.stop();
  for (const outcome of await Promise.all(inFlight)) {
    if (outcome !== 'answered') expect(outcome).toBeInstanceOf(DependencyUnavailableError);
  }
  expect(await timeUnavailable(() => sdps.get(before))).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  expect(await timeUnavailable(() => sdps.put(newRecord()))).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  expect(await timeUnavailable(() => sessions.get(randomUUID()))).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  await timeUnavailable(() => sessions.ping());
  await timeUnavailable(() => sdps.ping());

  await server.restart();
  await expect(sdps.ping()).resolves.toBeUndefined();
  await expect(sessions.ping()).resolves.toBeUndefined();
  expect(await sdps.get(before)).toStrictEqual(before);
  const after = newRecord();
  await sdps.put(after);
  expect(await sdps.get(after)).toStrictEqual(after);
});

test('a server that accepts but never answers fails each call at the deadline', async () => {
  server.setStalled(true);
  for (const call of [() => sdps.put(newRecord()), () => sdps.get(newRecord()), () => sessions.delete(randomUUID(), randomUUID()), () => sessions.ping()]) {
    const elapsed = await timeUnavailable(call);
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(elapsed).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  }
  server.setStalled(false);
  await expect(sessions.ping()).resolves.toBeUndefined();
});

test('429s are retried by the SDK within the deadline and each one is reported', async () => {
  throttles.length = 0;
  server.takeRequests();
  const record = newRecord();
  server.throttle(2, 20);
  await sdps.put(record);
  expect(throttles).toEqual(['sdp_put', 'sdp_put']);
  expect(await sdps.get(record)).toStrictEqual(record);
});

test('429s that outlast the deadline fail the call at the deadline, and are still reported', async () => {
  throttles.length = 0;
  server.takeRequests();
  server.throttle(Number.MAX_SAFE_INTEGER, 50);
  expect(await timeUnavailable(() => sessions.create({ id: randomUUID(), uuid: randomUUID(), subject: 's', uid: 'u', name: 'n', authSource: { name: 'h', code: 'c' }, createdAt: 0, expiresAt: clock.now() + 60_000 }))).toBeLessThan(
    DEADLINE_MS + MARGIN_MS,
  );
  // Every request the server saw was answered 429, bar possibly the last: the deadline may abort
  // it before its answer arrives. The SDK reports its retries when its last sleep ends, just
  // after the deadline, so the tally catches up shortly after.
  let requests = 0;
  await eventually(() => {
    requests += server.takeRequests().length;
    return requests > 1 && throttles.length >= requests - 1;
  }, 1000);
  expect(throttles.length).toBeLessThanOrEqual(requests);
  expect(new Set(throttles)).toEqual(new Set(['session_create']));
});
