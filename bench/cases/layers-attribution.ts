import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The layers of Signal's request path, in the order a request meets them, then what the stack
 * under them costs. A profile sample is charged to the innermost frame on its stack that belongs
 * to a layer: Node's own functions and code compiled at run time (the validators) are charged to
 * whichever layer called them, except Node's HTTP and socket code, which is a layer of its own.
 */
export const LAYERS = [
  'request context and logging',
  'security headers',
  'CORS',
  'rate limiter',
  'session lookup',
  'body parsing',
  'validation',
  'metrics',
  'tracing',
  'handler',
  'store',
  'JSON serialisation',
  'Express (router, request and response helpers)',
  'Node (HTTP parsing, headers and writing, sockets)',
  'garbage collection',
] as const;
export type Layer = (typeof LAYERS)[number];

const PACKAGES: Record<string, Layer> = {
  pino: 'request context and logging',
  'sonic-boom': 'request context and logging',
  'thread-stream': 'request context and logging',
  helmet: 'security headers',
  cors: 'CORS',
  'express-rate-limit': 'rate limiter',
  'body-parser': 'body parsing',
  'raw-body': 'body parsing',
  'iconv-lite': 'body parsing',
  'type-is': 'body parsing',
  'content-type': 'body parsing',
  'media-typer': 'body parsing',
  bytes: 'body parsing',
  '@sinclair/typebox': 'validation',
  'prom-client': 'metrics',
  tdigest: 'metrics',
  bintrees: 'metrics',
  'import-in-the-middle': 'tracing',
  'require-in-the-middle': 'tracing',
  shimmer: 'tracing',
  jsonwebtoken: 'handler',
  jws: 'handler',
  jwa: 'handler',
  jose: 'handler',
};

/**
 * Node's HTTP and socket code is a layer of its own, whoever calls it: a `res.end` costs the same
 * write in a handler as in Express, and a header costs its validation whichever layer sets it.
 */
const NODE_HTTP = /^node:(_http_|net$|internal\/(streams\/|stream_base_commons))/;

/** Signal's own files by path under the repository, the first match winning; `undefined`: charged to the caller. */
const OWN_FILES: [RegExp, Layer | undefined][] = [
  // The stores' instrumentation is charged to its spans and timers (tracing, metrics) and its caller.
  [/libs\/common\/src\/runtime\/instrumented-stores\.ts$|services\/signaling\/src\/store\/instrumented-sdp-store\.ts$/, undefined],
  [/libs\/common\/src\/adapters\/|services\/signaling\/src\/store\//, 'store'],
  [/libs\/common\/src\/http\/request-context\.ts$|libs\/common\/src\/observability\/(refusal-summary|logger|repeated-log)\.ts$/, 'request context and logging'],
  [/libs\/common\/src\/http\/security-headers\.ts$/, 'security headers'],
  [/libs\/common\/src\/http\/(cors-allow-list|fetch-site)\.ts$/, 'CORS'],
  [/libs\/common\/src\/http\/(rate-limit|client-address)\.ts$/, 'rate limiter'],
  [/libs\/common\/src\/auth\/|libs\/common\/src\/http\/cookies\.ts$/, 'session lookup'],
  [/libs\/common\/src\/http\/(json-body(-[a-z-]+)?|identity-encoding)\.ts$/, 'body parsing'],
  [/libs\/common\/src\/api\//, 'validation'],
  [/libs\/common\/src\/observability\/(metrics|active-sessions|histogram-series)\.ts$/, 'metrics'],
  [/libs\/common\/src\/observability\/tracing/, 'tracing'],
  [/services\/[^/]+\/src\//, 'handler'],
  [/libs\/common\/src\/http\//, 'Express (router, request and response helpers)'],
];

function layerOf(url: string, functionName: string): Layer | undefined {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collection';
    // JSON.stringify when V8 reports the builtin as a frame of its own.
    return functionName === 'stringify' ? 'JSON serialisation' : undefined;
  }
  if (url.startsWith('node:')) return NODE_HTTP.test(url) ? 'Node (HTTP parsing, headers and writing, sockets)' : undefined;
  // Its JSON.stringify runs in sendJson's own frame; the writing is sendJsonText's.
  if (functionName === 'sendJson' && url.endsWith('libs/common/src/http/json-response.ts')) return 'JSON serialisation';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg !== undefined) {
    if (pkg === 'express' && functionName === 'json' && url.endsWith('/response.js')) return 'JSON serialisation';
    if (pkg.startsWith('@opentelemetry/')) return 'tracing';
    // Signal's workspaces are linked into node_modules under @signal.
    if (!pkg.startsWith('@signal/')) return PACKAGES[pkg] ?? 'Express (router, request and response helpers)';
  }
  return OWN_FILES.find(([pattern]) => pattern.test(url))?.[1];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A span of the server's life in the monotonic clock's microseconds, as `process.hrtime` and V8's profiles count them. */
export interface ProfileWindow {
  key: string;
  fromUs: number;
  toUs: number;
}

/** CPU microseconds per layer in each window, from every profile `node --cpu-prof` wrote to `dir`. */
export function layerTimes(dir: string, windows: ProfileWindow[]): Map<string, Map<Layer, number>> {
  const totals = new Map(windows.map((window) => [window.key, new Map<Layer, number>()]));
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const charged = chargedLayers(profile);
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      at += delta;
      const window = windows.find((w) => at > w.fromUs && at <= w.toUs);
      const layer = charged.get(id);
      if (window === undefined || layer === undefined) return;
      const into = totals.get(window.key);
      into?.set(layer, (into.get(layer) ?? 0) + delta);
    });
  }
  return totals;
}

/** The layer each profile node's samples are charged to: its own, else its caller's; idle samples none. */
function chargedLayers(profile: CpuProfile): Map<number, Layer> {
  const charged = new Map<number, Layer>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const root = profile.nodes[0];
  const visit = (id: number, inherited: Layer) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') return;
    const own = layerOf(url, functionName) ?? inherited;
    charged.set(id, own);
    for (const child of node.children ?? []) visit(child, own);
  };
  if (root !== undefined) visit(root.id, 'Node (HTTP parsing, headers and writing, sockets)');
  return charged;
}
