import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a server's CPU went, from the V8 profiles `node --cpu-prof` wrote. */
export interface ProfileSummary {
  label: string;
  busyMs: number;
  /** Self time by package (node_modules name), Node internals, Signal's own files, GC. */
  byPackage: { name: string; percent: number }[];
  byFunction: { name: string; percent: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const TOP = 15;

function owner(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/((?:libs|services)\/[^/]+)\//.exec(url);
  return own?.[1] ? `signal ${own[1]}` : url;
}

const top = (totals: Map<string, number>, busy: number) =>
  [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([name, us]) => ({ name, percent: (100 * us) / busy }));

/** Merges every profile in `dir` (one per server process started for the case). */
export function summarizeProfiles(label: string, dir: string): ProfileSummary {
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    profile.samples.forEach((id, i) => {
      const frame = frames.get(id);
      const us = profile.timeDeltas[i] ?? 0;
      if (frame === undefined || frame.functionName === '(idle)') return;
      busy += us;
      const where = owner(frame.url, frame.functionName);
      byPackage.set(where, (byPackage.get(where) ?? 0) + us);
      const location = frame.url === '' ? '' : ` ${frame.url.replace(/^.*\/(node_modules|libs|services)\//, '$1/')}:${frame.lineNumber + 1}`;
      const name = `${frame.functionName || '(anonymous)'}${location}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    });
  }
  return { label, busyMs: busy / 1000, byPackage: top(byPackage, busy), byFunction: top(byFunction, busy) };
}
