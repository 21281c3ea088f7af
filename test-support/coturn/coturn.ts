import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { COTURN, ensureTools, requireTool } from '../system-tools/system-tools.ts';
import { startProcess, waitUntil } from './managed-process.ts';
import { stunBinding } from './stun-binding.ts';

const HOST = '127.0.0.1';
const run = promisify(execFile);
/**
 * Relay ports are drawn from above Linux's ephemeral range (32768-60999), so they cannot
 * collide with ports the kernel hands to the tests' own sockets.
 */
const RELAY_PORT_FLOOR = 61000;
const RELAY_PORT_CEILING = 65535;
const RELAY_PORT_COUNT = 200;

/**
 * Upper bound on an allocation's life. Clients that close without deallocating (werift's
 * `pc.close()`) keep their relay port until this passes, so tests keep it short.
 */
const MAX_ALLOCATE_LIFETIME_SECONDS = 60;
const START_TIMEOUT_MS = 10_000;

export interface CoturnOptions {
  /** The `static-auth-secret`: the same value Signal signs TURN credentials with. */
  secret: string;
}

export interface Coturn {
  host: string;
  port: number;
  /** The URL to put in Signal's `TURN_URLS`. */
  url: string;
  /** Inclusive range relayed addresses are allocated from. */
  relayPorts: { min: number; max: number };
  output(): string;
  stop(): Promise<void>;
}

/** coturn (turnserver and turnutils_uclient), installed with apt-get where this process may. */
export async function ensureCoturn(): Promise<void> {
  const installed = await ensureTools([COTURN]);
  if (installed.includes('coturn')) await stopPackagedCoturnService();
}

/**
 * Debian's coturn package enables a system service on systemd hosts (its SysV script stays off
 * unless /etc/default/coturn enables it). The tests start their own coturn; the packaged one must
 * not keep listening on 3478 after we installed it.
 */
async function stopPackagedCoturnService(): Promise<void> {
  if (!existsSync('/run/systemd/system')) return;
  await run('systemctl', ['disable', '--now', 'coturn'], { timeout: 30_000 });
}

/** Starts a real coturn on 127.0.0.1 with TURN REST authentication and loopback peers allowed. */
export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  const turnserver = requireTool(COTURN);
  const port = await freeUdpPort();
  const minPort = RELAY_PORT_FLOOR + Math.floor(Math.random() * (RELAY_PORT_CEILING - RELAY_PORT_FLOOR - RELAY_PORT_COUNT));
  const maxPort = minPort + RELAY_PORT_COUNT - 1;
  const dir = await mkdtemp(join(tmpdir(), 'coturn-'));
  const args = [
    '-n',
    `--listening-ip=${HOST}`,
    `--relay-ip=${HOST}`,
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${maxPort}`,
    '--use-auth-secret',
    `--static-auth-secret=${options.secret}`,
    '--realm=signal.test',
    `--max-allocate-lifetime=${MAX_ALLOCATE_LIFETIME_SECONDS}`,
    // UDP only, like the URL it advertises; a TCP listener would also need the port free on TCP.
    '--no-tcp',
    '--no-tls',
    '--no-dtls',
    '--allow-loopback-peers',
    '--no-cli',
    '--log-file=stdout',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--db=${join(dir, 'turndb')}`,
  ];
  const server = startProcess(turnserver, args);
  const stop = async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(async () => !server.hasExited() && (await stunBinding(HOST, port, 200)), {
      timeoutMs: START_TIMEOUT_MS,
      describe: () => `coturn did not answer STUN on ${HOST}:${port}${server.hasExited() ? ' (it exited)' : ''}\n${server.output()}`,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: HOST, port, url: `turn:${HOST}:${port}?transport=udp`, relayPorts: { min: minPort, max: maxPort }, output: server.output, stop };
}

/** A UDP port free right now; coturn binds it a moment later (a lost race fails the start loudly). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, HOST, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
