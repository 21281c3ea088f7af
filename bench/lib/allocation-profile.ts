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
