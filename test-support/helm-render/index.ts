/**
 * Renders a Helm chart for tests: with `helm template` when Helm is installed, otherwise with
 * the helm-render tool of this folder (built on first use from Debian's Go packages). Either
 * way the result is the same JSON shape, parsed from real YAML documents.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { GO_FOR_HELM_RENDER, MISSING_TOOL_STATUS, MissingToolError } from '../system-tools/system-tools.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const signalChart = `${repoRoot}deploy/helm/signal`;

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderedManifest {
  /** Template that produced the object, e.g. "signal/templates/deployment.yaml". */
  source: string;
  object: KubeObject;
}

export interface RenderOptions {
  chart?: string;
  release?: string;
  namespace?: string;
  valuesFiles?: string[];
  /** `--set` expressions, typed as Helm types them. */
  set?: string[];
  setString?: string[];
  kubeVersion?: string;
  /** Like Helm's --skip-schema-validation: reach the template's own checks. */
  skipSchemaValidation?: boolean;
  /**
   * Objects the chart's `lookup` finds, as Helm would in a live cluster (helm-render only:
   * `helm template` reads no cluster, so no comparison with Helm is made then).
   */
  clusterObjects?: KubeObject[];
}

export interface Rendered {
  manifests: RenderedManifest[];
  /** Rendered NOTES.txt (always from helm-render: `helm template` does not print it). */
  notes: string;
  engine: 'helm' | 'helm-render';
}

const BUILD_TIMEOUT_MS = 600_000;
const RUN_TIMEOUT_MS = 60_000;

let builtBinary: string | undefined;

/** Builds (or reuses) the helm-render binary; throws with the build's output when it cannot. */
export function helmRenderBinary(): string {
  if (builtBinary !== undefined) return builtBinary;
  const build = spawnSync('bash', [`${repoRoot}test-support/helm-render/build.sh`], {
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
  });
  if (build.status === MISSING_TOOL_STATUS) throw new MissingToolError([GO_FOR_HELM_RENDER]);
  if (build.status !== 0) {
    throw new Error(
      `Cannot build the helm-render test tool (needs Debian's golang-go, golang-github-masterminds-sprig-dev, ` +
        `golang-k8s-sigs-yaml-dev; see test-support/helm-render/build.sh):\n${build.error?.message ?? ''}${build.stderr}`,
    );
  }
  builtBinary = build.stdout.trim();
  return builtBinary;
}

/** Path of a `helm` executable on PATH, or undefined. */
export function installedHelm(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v helm'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Thrown when rendering fails; `stderr` carries Helm's (or helm-render's) message. */
export class RenderError extends Error {
  readonly stderr: string;
  constructor(stderr: string) {
    super(`chart render failed: ${stderr}`);
    this.name = 'RenderError';
    this.stderr = stderr;
  }
}

function templateArgs(options: RenderOptions): string[] {
  const args = [options.release ?? 'signal', options.chart ?? signalChart, '--namespace', options.namespace ?? 'signal'];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const expr of options.set ?? []) args.push('--set', expr);
  for (const expr of options.setString ?? []) args.push('--set-string', expr);
  args.push('--kube-version', options.kubeVersion ?? '1.34.0');
  return args;
}

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', input, timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new RenderError(result.stderr.trim());
  return result.stdout;
}

const schemaValidators = new Map<string, ValidateFunction>();

function schemaValidator(schemaFile: string): ValidateFunction {
  let validate = schemaValidators.get(schemaFile);
  if (validate === undefined) {
    validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    schemaValidators.set(schemaFile, validate);
  }
  return validate;
}

/** Schema errors of the merged values, as Helm reports them before rendering. */
export function schemaProblems(options: RenderOptions = {}): string[] {
  const schemaFile = `${options.chart ?? signalChart}/values.schema.json`;
  if (!existsSync(schemaFile)) return [];
  const validate = schemaValidator(schemaFile);
  if (validate(chartValues(options))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? ''}${e.params.additionalProperty ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

/** Renders the chart the way `helm template` does (schema check first) and returns every object. */
export function renderChart(options: RenderOptions = {}): Rendered {
  if (options.skipSchemaValidation !== true) {
    const problems = schemaProblems(options);
    if (problems.length > 0) throw new RenderError(`values don't meet the specifications of the schema:\n${problems.join('\n')}`);
  }
  const tool = helmRenderBinary();
  const own = withClusterObjects(options.clusterObjects, (cluster) =>
    JSON.parse(run(tool, ['template', ...templateArgs(options), ...cluster, '--strict', '--output', 'json'])) as { manifests: RenderedManifest[]; notes?: string },
  );
  const helm = installedHelm();
  if (helm === undefined || options.clusterObjects !== undefined) return { manifests: own.manifests, notes: own.notes ?? '', engine: 'helm-render' };
  const stream = run(helm, ['template', ...templateArgs(options), ...(options.skipSchemaValidation === true ? ['--skip-schema-validation'] : [])]);
  const parsed = JSON.parse(run(tool, ['yaml2json'], stream)) as { manifests: RenderedManifest[] };
  // Keeps the stand-in honest wherever the real Helm is available. Order-insensitive: Helm orders
  // objects of one kind by template file, which not every version does the same way.
  const canonical = (manifests: RenderedManifest[]) => manifests.map((m) => JSON.stringify(m.object)).sort();
  if (JSON.stringify(canonical(parsed.manifests)) !== JSON.stringify(canonical(own.manifests))) {
    throw new Error('helm-render and helm template disagree on this chart: fix test-support/helm-render');
  }
  return { manifests: parsed.manifests, notes: own.notes ?? '', engine: 'helm' };
}

/** Runs `render` with the flag that hands helm-render the cluster objects, in a file removed after. */
function withClusterObjects<T>(objects: KubeObject[] | undefined, render: (flag: string[]) => T): T {
  if (objects === undefined) return render([]);
  const dir = mkdtempSync(join(tmpdir(), 'helm-render-cluster-'));
  try {
    const file = join(dir, 'objects.json');
    writeFileSync(file, JSON.stringify(objects));
    return render(['--cluster-objects', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The merged values Helm validates against values.schema.json. */
export function chartValues(options: RenderOptions = {}): Record<string, unknown> {
  const args = templateArgs(options).slice(1);
  return JSON.parse(run(helmRenderBinary(), ['values', ...args])) as Record<string, unknown>;
}
