/**
 * `npm run start:cluster` stops like a supervisor, whichever way it is ended: SIGHUP to the launcher
 * (a closed terminal), SIGTERM or SIGINT to the npm process, even SIGKILL to the launcher. Nothing
 * is left behind, checked by the PID of every process it started, nor in its temporary folder.
 * A taken ingress port is one line, before any pod starts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, descendants, startClusterProcess, type ClusterProcess } from './support/cluster-process.ts';

const ARGS = ['--port=0', '--signaling=1'];
const started: { cluster: ClusterProcess; pids: number[]; tmp: string }[] = [];

afterEach(() => {
  for (const { cluster, pids, tmp } of started.splice(0)) {
    for (const pid of [cluster.child.pid!, ...pids]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** A cluster up behind its ingress, with every process below the one started (pods, coturn). */
async function upAndRunning(viaNpm: boolean): Promise<{ cluster: ClusterProcess; pids: number[]; tmp: string }> {
  const tmp = mkdtempSync(join(tmpdir(), 'cluster-signals-'));
  const cluster = startClusterProcess(ARGS, { viaNpm, env: { TMPDIR: tmp } });
  const entry = { cluster, pids: [] as number[], tmp };
  started.push(entry);
  await cluster.line((line) => line.msg === 'ingress listening', 90_000);
  entry.pids = descendants(cluster.child.pid!);
  const pods = cluster.lines.filter((line) => line.msg === 'pod started').map((line) => Number(line.pid));
  expect(pods).toHaveLength(3);
  expect(entry.pids).toEqual(expect.arrayContaining(pods));
  expect(leftIn(tmp)).toEqual([expect.stringMatching(/^coturn-/)]);
  return entry;
}

/** What the cluster left in its TMPDIR; npm's own Node keeps its compile cache there, which is not the cluster's. */
const leftIn = (tmp: string) => readdirSync(tmp).filter((name) => name !== 'node-compile-cache');

async function allGone(pids: number[], withinMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return pids.filter(alive);
}

test.each([
  ['SIGHUP to the launcher (the terminal closed)', false, 'SIGHUP'],
  ['SIGTERM to the npm process', true, 'SIGTERM'],
  ['SIGINT to the npm process', true, 'SIGINT'],
] as const)('%s stops everything in order and leaves nothing behind', async (_how, viaNpm, signal) => {
  const { cluster, pids, tmp } = await upAndRunning(viaNpm);
  cluster.child.kill(signal);
  await cluster.exited;
  expect(cluster.lines.some((line) => line.msg === 'stopped')).toBe(true);
  expect(await allGone(pids)).toEqual([]);
  expect(leftIn(tmp)).toEqual([]);
}, 120_000);

test('SIGKILL to the launcher: its pods notice and stop themselves', async () => {
  const { cluster } = await upAndRunning(false);
  const pods = cluster.lines.filter((line) => line.msg === 'pod started').map((line) => Number(line.pid));
  cluster.child.kill('SIGKILL');
  await cluster.exited;
  expect(await allGone(pods)).toEqual([]);
}, 120_000);

test('a taken ingress port: one line, before any pod starts', async () => {
  const holder: Server = createServer().listen(0, '0.0.0.0');
  await once(holder, 'listening');
  const { port } = holder.address() as { port: number };
  try {
    const tmp = mkdtempSync(join(tmpdir(), 'cluster-signals-'));
    const cluster = startClusterProcess([`--port=${port}`, '--signaling=1'], { env: { TMPDIR: tmp } });
    started.push({ cluster, pids: [], tmp });
    let stderr = '';
    cluster.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await cluster.exited).toEqual({ code: 1, signal: null });
    expect(stderr).toBe(`port ${port} is already in use: stop what listens there, or pick another with --port=N (0 for any free one)\n`);
    expect(cluster.lines).toEqual([]);
  } finally {
    holder.close();
  }
}, 30_000);
