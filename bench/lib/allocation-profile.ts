import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './repo.ts';

/** The shape of V8's sampling heap profile (`HeapProfiler.stopSampling`). */
export interface SamplingHeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingHeapProfileNode[];
}

export interface AllocationRow {
  /** Module (a package, a Node internal, a repository file) or function within it. */
  name: string;
  bytes: number;
}

/**
 * Where an allocation's own frame lives: npm packages by name, Node's internals by module, the
 * repository's files by path; frames without a script (V8 builtins called from native code) by name.
 */
export function moduleOf(url: string, functionName: string): { name: string; kind: 'native' | 'node' | 'package' | 'repository' } {
  if (url === '') return { name: `(${functionName || 'anonymous'})`, kind: 'native' };
  if (url.startsWith('node:')) return { name: url, kind: 'node' };
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const packages = path.lastIndexOf('/node_modules/');
  if (packages >= 0) {
    const [scope = '', name = ''] = path.slice(packages + '/node_modules/'.length).split('/');
    return { name: scope.startsWith('@') ? `${scope}/${name}` : scope, kind: 'package' };
  }
  return { name: relative(REPO_ROOT, path), kind: 'repository' };
}

/**
 * Self bytes summed by module, by function (module, name and line) and by the innermost repository
 * file on the stack (what Signal's own code caused, the framework and Node work it called included;
 * with no repository frame, the innermost package, else `node`), largest first.
 */
export function aggregate(head: SamplingHeapProfileNode): { modules: AllocationRow[]; functions: AllocationRow[]; callers: AllocationRow[]; total: number } {
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  const callers = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, bytes: number) => map.set(key, (map.get(key) ?? 0) + bytes);
  let total = 0;
  const visit = (node: SamplingHeapProfileNode, repository: string | undefined, pkg: string | undefined) => {
    const { url, functionName, lineNumber } = node.callFrame;
    const { name: module, kind } = moduleOf(url, functionName);
    const own = kind === 'repository' ? module : repository;
    const lib = kind === 'package' ? module : pkg;
    if (node.selfSize > 0) {
      add(modules, module, node.selfSize);
      add(functions, url === '' ? module : `${functionName || '(anonymous)'} ${module}:${lineNumber + 1}`, node.selfSize);
      add(callers, own ?? lib ?? 'node', node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) visit(child, own, own === undefined ? lib : undefined);
  };
  visit(head, undefined, undefined);
  const sorted = (map: Map<string, number>) => [...map].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { modules: sorted(modules), functions: sorted(functions), callers: sorted(callers), total };
}

/**
 * The layer of the request path a row of the innermost-repository-file table belongs to. A file's
 * row holds what ran below it (Node's and the framework's work it called) until another
 * repository file ran: a middleware's `next()` carries the router's walk to the next layer.
 */
const LAYERS: [prefix: string, layer: string][] = [
  ['libs/common/src/http/request-context.ts', 'request context and logging'],
  ['libs/common/src/http/security-headers.ts', 'security headers'],
  ['libs/common/src/http/rate-limit.ts', 'rate limiter'],
  ['libs/common/src/auth/', 'session lookup'],
  ['libs/common/src/http/cookies.ts', 'session lookup'],
  ['libs/common/src/http/json-body.ts', 'body parsing'],
  ['libs/common/src/http/json-body-read.ts', 'body parsing'],
  ['body-parser', 'body parsing'],
  ['raw-body', 'body parsing'],
  ['iconv-lite', 'body parsing'],
  ['debug', 'body parsing'],
  ['libs/common/src/api/validators.ts', 'validation'],
  ['libs/common/src/http/json-response.ts', 'JSON serialisation and writing the answer'],
  ['services/signaling/src/handlers/', 'handlers (and the Node work they call)'],
  ['services/signaling/src/store/', 'memory store'],
  ['libs/common/src/adapters/memory/', 'memory store'],
  ['services/signaling/src/domain/waiters.ts', 'waiters'],
  ['services/signaling/src/domain/expiry-heap.ts', 'waiters'],
  ['services/signaling/src/domain/', 'exchange (slots, watches, handshake meter)'],
  ['libs/common/src/runtime/instrumented-stores.ts', 'metrics'],
  ['libs/common/src/observability/', 'metrics'],
  ['prom-client', 'metrics'],
  ['libs/common/src/http/', 'Express (router, request and response helpers) and connection handling'],
  ['router', 'Express (router, request and response helpers) and connection handling'],
  ['express', 'Express (router, request and response helpers) and connection handling'],
  ['finalhandler', 'Express (router, request and response helpers) and connection handling'],
  ['parseurl', 'Express (router, request and response helpers) and connection handling'],
  ['bench/baselines/', "the floor's handler (and the Node work it calls)"],
  ['node', 'Node (HTTP parsing, headers and writing, sockets) outside any of the above'],
];

export function byLayer(callers: AllocationRow[]): AllocationRow[] {
  const layers = new Map<string, number>();
  for (const { name, bytes } of callers) {
    const layer = LAYERS.find(([prefix]) => name === prefix || (prefix.endsWith('/') && name.startsWith(prefix)))?.[1] ?? `other: ${name}`;
    layers.set(layer, (layers.get(layer) ?? 0) + bytes);
  }
  return [...layers].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}
