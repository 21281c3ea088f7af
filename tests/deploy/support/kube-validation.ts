/**
 * Two independent checks of rendered objects against the Kubernetes API:
 * - `modelProblems`: the JSON schemas of npm kubernetes-models (types, enums, formats). They
 *   accept unknown fields, so a typo such as `spec.replicaz` passes them;
 * - `unknownFieldProblems`: the objects written out as TypeScript object literals typed with
 *   npm kubernetes-types and checked by tsc, whose excess-property check rejects unknown fields.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../../test-support/helm-render/index.ts';
import { repoRoot } from '../../../test-support/helm-render/index.ts';

/** Groups served by CRDs, which neither package models; see monitoring-shapes.ts and chart-aks.test.ts. */
const CUSTOM_GROUPS = new Set([
  'monitoring.coreos.com',
  'azmonitoring.coreos.com',
  'secrets-store.csi.x-k8s.io',
  'gateway.networking.k8s.io',
  'gateway.envoyproxy.io',
  'networking.istio.io',
]);

export function isCustomResource(object: KubeObject): boolean {
  return CUSTOM_GROUPS.has(object.apiVersion.split('/')[0] ?? '');
}

export function describe(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** Schema errors of each built-in object, as "<Kind>/<name>: <message>". */
export async function modelProblems(objects: KubeObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects.filter((o) => !isCustomResource(o))) {
    // kubernetes-models lays its modules out by apiVersion: "v1", "apps/v1", "networking.k8s.io/v1".
    const group = (await import(`kubernetes-models/${object.apiVersion}`)) as Record<string, ModelClass | undefined>;
    const Model = group[object.kind];
    if (Model === undefined) {
      problems.push(`${describe(object)}: kubernetes-models has no ${object.kind} in ${object.apiVersion}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${describe(object)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

/** kubernetes-types module of an apiVersion: "v1" -> core/v1, "networking.k8s.io/v1" -> networking/v1. */
function typesModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `kubernetes-types/${(group ?? '').replace(/\.k8s\.io$/, '')}/${version ?? ''}`;
}

const TSC_TIMEOUT_MS = 120_000;

/** tsc errors (unknown fields, wrong types, wrong apiVersion/kind) of each built-in object. */
export function unknownFieldProblems(objects: KubeObject[]): string[] {
  const typed = objects.filter((o) => !isCustomResource(o));
  const imports = new Map<string, Set<string>>();
  const body: string[] = [];
  const owners: { firstLine: number; object: KubeObject }[] = [];
  let line = 1;
  typed.forEach((object, index) => {
    const module = typesModule(object.apiVersion);
    const alias = `${module.replace(/[^A-Za-z0-9]/g, '_')}_${object.kind}`;
    imports.set(module, (imports.get(module) ?? new Set()).add(`${object.kind} as ${alias}`));
    const literal = `export const object${index}: ${alias} = ${JSON.stringify(object, null, 2)};`;
    owners.push({ firstLine: line, object });
    body.push(literal);
    line += literal.split('\n').length;
  });
  const header = [...imports].map(([module, names]) => `import type { ${[...names].join(', ')} } from '${module}';`);
  const offset = header.length;

  const parent = join(repoRoot, '.tmp');
  mkdirSync(parent, { recursive: true });
  // Inside the repository so that kubernetes-types resolves from its node_modules.
  const dir = mkdtempSync(join(parent, 'k8s-typecheck-'));
  try {
    writeFileSync(join(dir, 'manifests.ts'), `${[...header, ...body].join('\n')}\n`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'preserve', moduleResolution: 'bundler', types: [], skipLibCheck: true },
        files: ['manifests.ts'],
      }),
    );
    const tsc = spawnSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', dir, '--pretty', 'false'], {
      encoding: 'utf8',
      timeout: TSC_TIMEOUT_MS,
    });
    if (tsc.error !== undefined) throw tsc.error;
    const errors = tsc.stdout.split('\n').filter((l) => l.includes('error TS'));
    if (tsc.status !== 0 && errors.length === 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
    return errors.map((error) => {
      const at = /manifests\.ts\((\d+),\d+\)/.exec(error);
      const errorLine = Number(at?.[1] ?? 0) - offset;
      const owner = owners.findLast((o) => o.firstLine <= errorLine);
      return `${owner === undefined ? 'manifests.ts' : describe(owner.object)}: ${error.replace(/^.*error /, '')}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
