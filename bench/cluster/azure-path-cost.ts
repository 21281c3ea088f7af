/**
 * CPU per handshake on the serving replica: the Azure path (a signaling process with
 * STORE=cosmos, BUS=servicebus against the Cosmos test server and the AMQP test broker) against
 * the memory path (an all-in-one process, STORE=memory, BUS=memory), in the same run under the
 * same load. Every handshake keeps both long-polls on the replica that takes the POSTs (logins
 * are done before measuring). Also prints Cosmos requests per handshake by operation. With
 * `--profile`, both processes run under `node --cpu-prof` and the top consumers are printed.
 * Usage: npm run bench:cluster -- azure-path-cost [handshakes=300] [--profile]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startBroker } from '../../test-support/servicebus-broker/index.ts';
import { startCosmosServer } from '../../test-support/cosmos/cosmos-server.ts';
import { startChildService, type ChildService } from '../../test-support/signal/child-service.ts';
import { login, type LoggedIn } from '../../test-support/signal/harness.ts';
import { handshake } from '../lib/cluster-handshake.ts';
import { cpuSeconds } from '../lib/proc-stats.ts';
import { summarizeProfiles } from '../report/cpu-profile.ts';

const HANDSHAKES = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 300);
const PROFILE = process.argv.includes('--profile');
const CONCURRENCY = 8;
const UNLIMITED = { RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_SESSION_PER_MINUTE: '0' };

function profiled(label: string): { env: Record<string, string>; dir: string | undefined } {
  if (!PROFILE) return { env: {}, dir: undefined };
  const dir = mkdtempSync(join(tmpdir(), `signal-${label}-`));
  return { env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` }, dir };
}

async function storeRequests(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const charge = /^signal_cosmos_request_units_total\{.*\} (\S+)$/.exec(line);
    if (charge) counts.set('request units (Cosmos)', (counts.get('request units (Cosmos)') ?? 0) + Number(charge[1]));
    const match = /^signal_store_operation_duration_seconds_count\{(.*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const op = /op="([^"]+)"/.exec(match[1]!)?.[1];
    const outcome = /outcome="([^"]+)"/.exec(match[1]!)?.[1];
    counts.set(`${op} ${outcome}`, (counts.get(`${op} ${outcome}`) ?? 0) + Number(match[2]));
  }
  return counts;
}

/** CPU µs per handshake of `serving`, and its store operations per handshake. */
async function measure(serving: ChildService, loginAt: string): Promise<{ us: number; ops: Map<string, number> }> {
  const pairs: [LoggedIn, LoggedIn][] = [];
  for (let i = 0; i < CONCURRENCY; i += 1) pairs.push([await login(loginAt), await login(loginAt)]);
  const run = async (count: number) => {
    let next = 0;
    await Promise.all(
      pairs.map(async ([alice, bob]) => {
        while (next < count) {
          next += 1;
          await handshake(serving.url, serving.url, alice, bob);
        }
      }),
    );
  };
  await run(40);
  const before = { cpu: cpuSeconds(serving.pid), ops: await storeRequests(serving.url) };
  await run(HANDSHAKES);
  const us = ((cpuSeconds(serving.pid) - before.cpu) / HANDSHAKES) * 1e6;
  const after = await storeRequests(serving.url);
  const ops = new Map([...after].map(([key, value]) => [key, (value - (before.ops.get(key) ?? 0)) / HANDSHAKES]));
  return { us, ops };
}

const memoryProfile = profiled('memory');
const memory = await startChildService('all-in-one', { ...UNLIMITED, ...memoryProfile.env });
const memoryResult = await measure(memory, memory.url).finally(() => memory.stop());

const cosmos = await startCosmosServer();
const broker = await startBroker({ entities: { 'signal-events': [] } });
const azureEnv = {
  ...UNLIMITED,
  STORE: 'cosmos',
  COSMOS_ENDPOINT: cosmos.endpoint,
  COSMOS_KEY: cosmos.key,
  COSMOS_DATABASE: `signal-bench-${randomUUID()}`,
  BUS: 'servicebus',
  SERVICEBUS_CONNECTION_STRING: broker.connectionString,
};
const azureProfile = profiled('azure');
const session = await startChildService('session', { ...azureEnv, COSMOS_CREATE_IF_MISSING: 'true', POD_NAME: 'session-0' });
// A lone replica still runs its wake-up listener, as in a cluster; its long-polls are woken in process.
const wakeups = { WAKEUP_HOST: '127.0.0.1', WAKEUP_PORT: '0', WAKEUP_SECRET: randomUUID().repeat(2) };
const signaling = await startChildService('signaling', { ...azureEnv, ...azureProfile.env, ...wakeups, COSMOS_CREATE_IF_MISSING: 'true', POD_NAME: 'signaling-0' });
const azureResult = await measure(signaling, session.url).finally(async () => {
  await Promise.all([signaling.stop(), session.stop()]);
  await broker.stop();
  await cosmos.stop();
});

console.log(`${HANDSHAKES} handshakes per path, both long-polls on the serving replica, ${CONCURRENCY} concurrent pairs\n`);
console.log('| path | CPU per handshake (serving process) | ratio to memory path |\n| --- | --- | --- |');
console.log(`| memory (all-in-one, STORE=memory, BUS=memory) | ${memoryResult.us.toFixed(0)} µs | 1.00× |`);
console.log(`| Azure (signaling, STORE=cosmos, BUS=servicebus) | ${azureResult.us.toFixed(0)} µs | ${(azureResult.us / memoryResult.us).toFixed(2)}× |`);
console.log('\n| store operations per handshake, Azure path | count |\n| --- | --- |');
for (const [key, value] of [...azureResult.ops].filter(([, value]) => value > 0).sort()) console.log(`| ${key} | ${value.toFixed(2)} |`);
for (const [label, dir] of [['memory path', memoryProfile.dir], ['Azure path', azureProfile.dir]] as const) {
  if (dir === undefined) continue;
  const summary = summarizeProfiles(label, dir);
  console.log(`\n${label}: where CPU went (${summary.busyMs.toFixed(0)} ms busy, whole process life)`);
  console.log('| package | self % |\n| --- | --- |');
  for (const { name, percent } of summary.byPackage.slice(0, 10)) console.log(`| ${name} | ${percent.toFixed(1)} |`);
  console.log('| function | self % |\n| --- | --- |');
  for (const { name, percent } of summary.byFunction.slice(0, 10)) console.log(`| ${name} | ${percent.toFixed(1)} |`);
}
