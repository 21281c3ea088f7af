import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOtlpReceiver } from '../../test-support/otlp/otlp-receiver.ts';
import type { BenchConfig } from '../config.ts';
import { startServer, type ServerSpec } from '../lib/server-process.ts';
import { EXPRESS_HELLO, SERVER_CORE } from '../systems.ts';
import { LAYERS, layerTimes, type Layer, type ProfileWindow } from './layers-attribution.ts';
import { expressHelloRoutes, loadRoute, signalRoutes, type RouteSpec } from './routes.ts';

/** µs of server CPU per request, by layer, for each route; `tracing (on)` comes from a second server with tracing on. */
export interface LayerBudget {
  routes: string[];
  rows: { layer: string; us: number[] }[];
  totals: { tracingOff: number[]; tracingOn: number[] };
}

/** The sampling profiler's period: short enough for a layer of a few µs per request to get samples, long enough to cost little. */
const SAMPLE_INTERVAL_US = 250;
// The highest limits config accepts, far above what the bench sends, so the limiters count every request and refuse none.
const LIMITS_THAT_NEVER_REFUSE = { RATE_LIMIT_PER_IP_PER_MINUTE: '10000000', RATE_LIMIT_PER_SESSION_PER_MINUTE: '10000000' };
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

interface RouteWindow extends ProfileWindow {
  requests: number;
  cpuUsPerRequest: number;
}

type RoutesOf = (origin: string) => Promise<RouteSpec[]>;

/** The Express hello's routes, measured the same way: what the stack costs a route of each shape with nothing of Signal's on it. */
const HELLO_ROUTES: RoutesOf = async () => expressHelloRoutes();
// The hello has no SIGTERM handler of its own, and V8 writes a profile only when the process exits.
const EXIT_ON_SIGTERM = 'data:text/javascript,process.once("SIGTERM",()=>process.exit(0))';

/** Each route for `routeSeconds` after a warm-up: when it ran, the requests it served and the server's CPU per request. */
async function runRoutes(spec: Omit<ServerSpec, 'core'>, routesOf: RoutesOf, config: BenchConfig): Promise<RouteWindow[]> {
  const server = await startServer({ ...spec, core: SERVER_CORE });
  try {
    const windows: RouteWindow[] = [];
    for (const route of await routesOf(server.origin)) {
      const run = (seconds: number) => loadRoute({ server, spec: route }, config.routeConnections, seconds);
      await run(config.warmupSeconds);
      const [fromUs, cpu] = [nowUs(), server.cpuSeconds()];
      const { requests } = await run(config.routeSeconds);
      windows.push({ key: route.route, fromUs, toUs: nowUs(), requests: requests.total, cpuUsPerRequest: ((server.cpuSeconds() - cpu) * 1e6) / requests.total });
    }
    return windows;
  } finally {
    await server.stop();
  }
}

/**
 * µs per request by layer: the layers' shares of the profiled samples, times the CPU per request
 * the same server spent without the profiler (which slows everything it samples).
 */
async function layersOf(spec: Omit<ServerSpec, 'core'>, routesOf: RoutesOf, config: BenchConfig, dir: string) {
  mkdirSync(dir, { recursive: true });
  const plain = await runRoutes(spec, routesOf, config);
  const profiled = await runRoutes({ ...spec, args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${SAMPLE_INTERVAL_US}`, ...spec.args] }, routesOf, config);
  writeFileSync(join(dir, 'windows.json'), JSON.stringify({ plain, profiled }, null, 2));
  const times = layerTimes(dir, profiled);
  return {
    routes: plain.map((window) => window.key),
    perRequest: (route: string, layer: Layer) => {
      const sampled = times.get(route);
      const total = [...(sampled?.values() ?? [])].reduce((sum, us) => sum + us, 0);
      return total === 0 ? 0 : ((sampled?.get(layer) ?? 0) / total) * (plain.find((window) => window.key === route)?.cpuUsPerRequest ?? 0);
    },
  };
}

/**
 * The per-request CPU budget: Signal as the bench runs it, but with its rate limiters counting,
 * then again with tracing on (exporting to a local OTLP receiver), and the Express hello's routes
 * beside them (no tracing: their columns' tracing-on figures are NaN). The profiles stay in `dir`.
 */
export async function measureLayers(signal: Omit<ServerSpec, 'core'>, jwtSecret: string, config: BenchConfig, dir: string): Promise<LayerBudget> {
  const receiver = await startOtlpReceiver({ maxSpans: 1000 });
  try {
    const env = { ...signal.env, ...LIMITS_THAT_NEVER_REFUSE };
    const signalRoutesOf: RoutesOf = (origin) => signalRoutes(origin, jwtSecret);
    const hello = await layersOf({ ...EXPRESS_HELLO, args: ['--import', EXIT_ON_SIGTERM, ...EXPRESS_HELLO.args] }, HELLO_ROUTES, config, join(dir, 'express-hello'));
    const off = await layersOf({ ...signal, env }, signalRoutesOf, config, join(dir, 'tracing-off'));
    const on = await layersOf(
      {
        ...signal,
        args: ['--import', './libs/common/src/observability/tracing-preload.ts', ...signal.args],
        env: { ...env, OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesEndpoint },
      },
      signalRoutesOf,
      config,
      join(dir, 'tracing-on'),
    );
    const { routes } = off;
    const sum = (of: typeof off, route: string) => LAYERS.reduce((total, layer) => total + of.perRequest(route, layer), 0);
    const untraced = hello.routes.map(() => Number.NaN);
    const rows = LAYERS.flatMap((layer) => {
      const row = { layer, us: [...hello.routes.map((route) => hello.perRequest(route, layer)), ...routes.map((route) => off.perRequest(route, layer))] };
      return layer === 'tracing' ? [{ ...row, layer: 'tracing (off)' }, { layer: 'tracing (on)', us: [...untraced, ...routes.map((route) => on.perRequest(route, layer))] }] : [row];
    });
    return {
      routes: [...hello.routes.map((route) => `${EXPRESS_HELLO.name} (${route})`), ...routes],
      rows,
      totals: {
        tracingOff: [...hello.routes.map((route) => sum(hello, route)), ...routes.map((route) => sum(off, route))],
        tracingOn: [...untraced, ...routes.map((route) => sum(on, route))],
      },
    };
  } finally {
    await receiver.close();
  }
}

const cell = (us: number) => (Number.isNaN(us) ? '-' : us < 0.05 ? '0' : us < 10 ? us.toFixed(1) : us.toFixed(0));

export function renderLayerBudget(budget: LayerBudget): string {
  const header = `| layer | ${budget.routes.join(' | ')} |`;
  const rule = `| --- |${budget.routes.map(() => ' ---: |').join('')}`;
  const rows = budget.rows.map(({ layer, us }) => `| ${layer} | ${us.map(cell).join(' | ')} |`);
  const totals = [`| **total, tracing off** | ${budget.totals.tracingOff.map(cell).join(' | ')} |`, `| **total, tracing on** | ${budget.totals.tracingOn.map(cell).join(' | ')} |`];
  return ['## Per-request CPU budget (µs of server CPU per request: each layer\'s share of the profiled samples times the CPU per request without the profiler)', '', header, rule, ...rows, ...totals, ''].join('\n');
}
