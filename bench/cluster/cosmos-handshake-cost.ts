/**
 * Store cost of one full handshake (POST offer, long-poll GET offer, POST answer, long-poll GET
 * answer; login excluded) with STORE=cosmos: store operations by kind and outcome, and request
 * units summed from the x-ms-request-charge response headers. Runs against the local Cosmos test
 * server, or a real account when COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY are set.
 * Usage: npm run bench:cluster -- cosmos-handshake-cost [handshakes=50]
 */
import { randomUUID } from 'node:crypto';
import { startCosmosServer } from '../../test-support/cosmos/cosmos-server.ts';
import { get, login, post, startSignal } from '../../test-support/signal/harness.ts';
import { SAMPLE_SDP } from '../lib/sample-sdp.ts';

const HANDSHAKES = Number(process.argv[2] ?? 50);
const real = process.env.COSMOS_TEST_ENDPOINT !== undefined && process.env.COSMOS_TEST_KEY !== undefined;
const local = real ? undefined : await startCosmosServer();
const database = `signal-bench-${randomUUID()}`;
const signal = await startSignal({
  env: {
    STORE: 'cosmos',
    COSMOS_ENDPOINT: real ? process.env.COSMOS_TEST_ENDPOINT : local!.endpoint,
    COSMOS_KEY: real ? process.env.COSMOS_TEST_KEY : local!.key,
    COSMOS_DATABASE: database,
    COSMOS_CREATE_IF_MISSING: 'true',
  },
});

async function totals(): Promise<{ ops: Record<string, number>; ru: number }> {
  const ops: Record<string, number> = {};
  for (const v of (await signal.platform.metrics.storeDuration.get()).values) {
    if (v.metricName?.endsWith('_count')) ops[`${v.labels.op} ${v.labels.outcome}`] = (ops[`${v.labels.op} ${v.labels.outcome}`] ?? 0) + v.value;
  }
  const ru = (await signal.platform.metrics.cosmosRequestUnits.get()).values.reduce((sum, v) => sum + v.value, 0);
  return { ops, ru };
}

try {
  const alice = await login(signal.url);
  const bob = await login(signal.url);
  const sdp = SAMPLE_SDP;
  const before = await totals();
  for (let i = 0; i < HANDSHAKES; i += 1) {
    // A fresh room per handshake, so every long-poll starts before its SDP exists, as in a call set-up.
    const room = { uuid: randomUUID(), shortname: 'bench-room' };
    const query = (peer: string) => new URLSearchParams({ signalId: peer, room: room.uuid, shortname: room.shortname, wait: '10' });
    const offerWait = get(signal.url, `/offer?${query(alice.uuid)}`, bob.cookie);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await post(signal.url, '/offer', alice.cookie, { to: bob.uuid, sdp, room });
    await (await offerWait).arrayBuffer();
    const answerWait = get(signal.url, `/answer?${query(bob.uuid)}`, alice.cookie);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await post(signal.url, '/answer', bob.cookie, { to: alice.uuid, sdp, room });
    await (await answerWait).arrayBuffer();
  }
  const after = await totals();
  console.log(`Cosmos target: ${real ? 'real account (COSMOS_TEST_ENDPOINT)' : 'local cosmosdb-server (charges 1 RU per request)'}; SDP size ${Buffer.byteLength(sdp)} bytes; ${HANDSHAKES} handshakes`);
  console.log('| per handshake | value |\n| --- | --- |');
  for (const [key, value] of Object.entries(after.ops)) console.log(`| ${key} | ${((value - (before.ops[key] ?? 0)) / HANDSHAKES).toFixed(2)} |`);
  console.log(`| request units | ${((after.ru - before.ru) / HANDSHAKES).toFixed(2)} |`);
} finally {
  await signal.shutdown();
  await local?.stop();
}
