import { readFileSync } from 'node:fs';

/** Live objects of one kind in a V8 heap snapshot: how many and their own (shallow) bytes. */
export interface HeapGroup {
  count: number;
  bytes: number;
}

interface SnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * What a group is called: objects by constructor, closures by function name, V8's internal
 * kinds (contexts, arrays, code) by their snapshot name, every string kind together.
 */
function groupName(type: string, name: string): string {
  if (type.includes('string')) return '(strings)';
  if (type === 'number' || type === 'heap number') return '(numbers)';
  if (type === 'closure') return `closure ${name === '' ? '(anonymous)' : name}`;
  if (type === 'object') return name;
  if (type === 'code' || type === 'object shape') return `(${type})`;
  return `${type} ${name}`;
}

/** Groups every node of a `.heapsnapshot` file (as `--heapsnapshot-signal` writes it). */
export function readHeapGroups(path: string): Map<string, HeapGroup> {
  const file = JSON.parse(readFileSync(path, 'utf8')) as SnapshotFile;
  const fields = file.snapshot.meta.node_fields;
  const types = file.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const groups = new Map<string, HeapGroup>();
  for (let node = 0; node < file.nodes.length; node += fields.length) {
    const key = groupName(types[file.nodes[node + typeAt] ?? 0] ?? '?', file.strings[file.nodes[node + nameAt] ?? 0] ?? '');
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += file.nodes[node + sizeAt] ?? 0;
    groups.set(key, group);
  }
  return groups;
}

export interface HeapGrowth {
  group: string;
  count: number;
  bytes: number;
}

/** What `after` holds beyond `before`, largest growth first. */
export function heapGrowth(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>): HeapGrowth[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((group) => ({
      group,
      count: (after.get(group)?.count ?? 0) - (before.get(group)?.count ?? 0),
      bytes: (after.get(group)?.bytes ?? 0) - (before.get(group)?.bytes ?? 0),
    }))
    .sort((a, b) => b.bytes - a.bytes);
}
