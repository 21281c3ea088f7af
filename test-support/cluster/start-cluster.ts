/**
 * `npm run start:cluster [-- --signaling=N] [--affinity=room|none] [--observe] [--traces=otlp|console|off] [--port=N]`: Signal as a cluster runs it,
 * on one machine, behind an ingress stand-in on :8080. See "Run the cluster locally" in README.md.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import express from 'express';
import { pino } from 'pino';
import type { ServiceName } from '@signal/common/config/config';
import { announce, linePrettifier, terminalDestination } from '@signal/all-in-one/dev-console';
import { DEV_AUDIENCE, DEV_ISSUER, devTokenAndDemo } from '@signal/all-in-one/dev-routes';
import { AFFINITIES, INGRESS_TIMEOUT_SECONDS, startIngressProxy, type Affinity, type IngressProxy } from './ingress-proxy.ts';
import { portTaken } from './ingress-port.ts';
import { launchCluster, type LaunchedCluster, type Pod } from './launcher.ts';
import { startLocalTurn, type LocalTurn } from './local-turn.ts';
import { observe, type Observer } from './observe.ts';
import { supervise, type Supervisor } from './supervisor.ts';
import { startTraceSink, TRACE_MODES, type TraceMode, type TraceSink } from './traces.ts';

const usage = 'usage: npm run start:cluster [-- --signaling=N (1-16, default 2)] [--affinity=room|none (default room)] [--observe] [--traces=otlp|console|off (default otlp)] [--port=N (default 8080)]';

function options(): { signaling: number; affinity: Affinity; observe: boolean; traces: TraceMode; port: number } {
  try {
    const { values } = parseArgs({
      options: {
        signaling: { type: 'string', default: '2' },
        affinity: { type: 'string', default: 'room' },
        observe: { type: 'boolean', default: false },
        traces: { type: 'string', default: 'otlp' },
        port: { type: 'string', default: '8080' },
      },
    });
    const signaling = Number(values.signaling);
    const port = Number(values.port);
    if (!Number.isInteger(signaling) || signaling < 1 || signaling > 16) throw new Error(`--signaling=${values.signaling} must be 1 to 16`);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port=${values.port} must be a port number`);
    const affinity = AFFINITIES.find((known) => known === values.affinity);
    if (affinity === undefined) throw new Error(`--affinity=${values.affinity} must be room or none`);
    const traces = TRACE_MODES.find((known) => known === values.traces);
    if (traces === undefined) throw new Error(`--traces=${values.traces} must be otlp, console or off`);
    return { signaling, affinity, observe: values.observe, traces, port };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    process.exit(2);
  }
}

const args = options();
const tty = process.stdout.isTTY === true;
const logger = pino({ base: { service: 'cluster' }, timestamp: pino.stdTimeFunctions.isoTime }, terminalDestination() ?? process.stdout);
const prettify = linePrettifier();

/** Pod output as one stream, like `kubectl logs -l app=signal --prefix`. */
function printer(pod: Pod): (line: string) => void {
  return (line) => {
    if (tty) process.stdout.write(`${pod.name.padEnd(12)}| ${prettify(line)}\n`);
    else process.stdout.write(`${line.startsWith('{') ? `{"pod":${JSON.stringify(pod.name)},${line.slice(1)}` : JSON.stringify({ pod: pod.name, msg: line })}\n`);
  };
}

// One throw-away JWT secret shared by the session pods (as a Kubernetes Secret would give it) and
// the local /dev/token, which stands in for the upstream auth service.
const jwtSecret = randomBytes(32).toString('base64url');
const shared = { PORT: '0', HOST: '127.0.0.1', TRUST_PROXY: '1', SESSION_COOKIE_SECURE: 'false', ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}) };

let turn: LocalTurn | undefined;
let cluster: LaunchedCluster | undefined;
let supervisor: Supervisor | undefined;
let proxy: IngressProxy | undefined;
let observer: Observer | undefined;
let traces: TraceSink | undefined;
let stopping: Promise<void> | undefined;

// Whatever ends this process, no pod outlives it: killed here on the way out, and on a SIGKILL of
// this process, which runs nothing, each pod stops itself when its IPC channel to it closes.
process.on('exit', () => {
  for (const service of cluster?.running.values() ?? []) {
    try {
      process.kill(service.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function stop(signal: string): Promise<void> {
  logger.info({ signal }, 'stopping: ingress first, then the pods (they drain), then the broker, Cosmos, coturn and Prometheus');
  supervisor?.stop();
  const ingressClosed = proxy?.close();
  await cluster?.stop();
  await ingressClosed;
  await turn?.stop();
  await observer?.stop();
  await traces?.close();
  logger.info('stopped');
}

// SIGHUP is what closing the terminal sends: the same orderly stop as Ctrl-C.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping !== undefined) {
      logger.warn({ signal }, 'second signal: killing every pod now');
      process.exit(1);
    }
    stopping = stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  });
}

// Like `npm start` (HOST defaults to 0.0.0.0); the pods themselves listen on loopback only.
const INGRESS_HOST = '0.0.0.0';
if (await portTaken(args.port, INGRESS_HOST)) {
  process.stderr.write(`port ${args.port} is already in use: stop what listens there, or pick another with --port=N (0 for any free one)\n`);
  process.exit(1);
}

try {
  turn = await startLocalTurn(process.env, logger);
  /** What the chart's ConfigMaps and Secret give each service; nothing else reaches a pod. */
  // With room affinity the chart's signaling.roomAffinity also makes signaling refuse POSTs without ?room.
  const signalingEnv: Record<string, string> = args.affinity === 'room' ? { ROOM_PARAM_REQUIRED: 'true' } : {};
  const podEnv: Record<ServiceName, Record<string, string>> = { session: { AUTH_JWT_SECRET: jwtSecret, AUTH_JWT_ISSUER: DEV_ISSUER, AUTH_JWT_AUDIENCE: DEV_AUDIENCE }, signaling: signalingEnv, ice: turn.env };
  const sink = await startTraceSink(args.traces);
  traces = sink;
  cluster = await launchCluster({
    signalingReplicas: args.signaling,
    env: (pod) => ({ ...shared, ...podEnv[pod.role], ...sink.env(pod.name) }),
    // Own process groups: a terminal's Ctrl-C reaches only this process, which stops pods in order.
    spawn: (pod) => ({ onLine: printer(pod), detached: true, exitWithParent: true, nodeArgs: sink.nodeArgs }),
  });
  for (const pod of cluster.pods) logger.info({ pod: pod.name, pid: cluster.running.get(pod.name)?.pid, url: cluster.running.get(pod.name)?.url }, 'pod started');
  supervisor = supervise(cluster, {
    exited: (pod, how, restartInMs) => logger.warn({ pod: pod.name, restartInMs }, `pod ${pod.name} ${how}; restarting it in ${restartInMs} ms`),
    restarted: (pod, service) => logger.info({ pod: pod.name, pid: service.pid, url: service.url }, 'pod restarted'),
    restartFailed: (pod, error) => logger.error({ pod: pod.name, err: error }, 'pod restart failed'),
  });
  await supervisor.ready();
  const devApp = express();
  devApp.disable('x-powered-by');
  devTokenAndDemo({ secret: jwtSecret, cookieSecure: false })(devApp);
  sink.routes(devApp);
  proxy = await startIngressProxy({
    port: args.port,
    host: INGRESS_HOST,
    timeoutSeconds: INGRESS_TIMEOUT_SECONDS,
    affinity: args.affinity,
    endpoints: supervisor.endpoints,
    local: { prefixes: ['/dev/', '/demo'], handler: devApp },
  });
  logger.info({ url: proxy.url, port: proxy.port, affinity: args.affinity }, 'ingress listening');
  if (args.observe) {
    observer = await observe(cluster, supervisor);
    logger.info({ url: observer.url }, 'prometheus ready');
  }
  const running = cluster.running;
  announce(
    {
      title: `Signal cluster (session ×1, signaling ×${args.signaling}, ice ×1; Cosmos stand-in, AMQP broker; ingress)`,
      url: proxy.url,
      metrics: Object.fromEntries(cluster.pods.map((pod) => [pod.name, `${running.get(pod.name)!.url}/metrics`])),
      ...(observer ? { more: { prometheus: observer.url, alerts: observer.alerts } } : {}),
    },
    logger,
  );
} catch (error) {
  logger.error({ err: error }, `start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  stopping ??= stop('start-up failure').finally(() => process.exit(1));
}
