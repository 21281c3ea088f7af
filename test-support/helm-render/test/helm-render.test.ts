/**
 * helm-render against a fixture chart: Helm's value precedence and --set syntax, the built-in
 * objects and functions templates use, and the checks `helm template` makes on its output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helmRenderBinary } from '../index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const chart = `${here}fixture-chart`;

interface Output {
  manifests: { source: string; object: { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: { replicas?: number } } }[];
  notes: string;
}

function helmRender(args: string[], input?: string) {
  return spawnSync(helmRenderBinary(), args, { encoding: 'utf8', input, timeout: 30_000 });
}

function render(...flags: string[]): Output {
  const result = helmRender(['template', 'demo', chart, '--namespace', 'team', '--strict', '-o', 'json', ...flags]);
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Output;
}

function failure(...flags: string[]): string {
  const result = helmRender(['template', 'demo', chart, ...flags]);
  expect(result.status).toBe(1);
  return result.stderr;
}

function data(output: Output): Record<string, string> {
  return output.manifests.find((m) => m.object.kind === 'ConfigMap')!.object.data!;
}

function values(...flags: string[]): Record<string, unknown> {
  return JSON.parse(data(render(...flags)).values!) as Record<string, unknown>;
}

describe('values', () => {
  test('-f files merge in order over the defaults, and a null deletes a default', () => {
    const merged = values('-f', `${here}override-a.yaml`, '-f', `${here}override-b.yaml`);
    expect(merged.replicas).toBe(3);
    // Lists are replaced, not merged, as in Helm.
    expect(merged.nested).toEqual({ keep: 'kept', added: 'from-a', list: ['c'] });
  });

  test('--set wins over files and types its values as Helm does', () => {
    const merged = values(
      '-f', `${here}override-b.yaml`,
      '--set', 'replicas=7,flag=true,off=false,gone=null,zip=0755,zero=0',
      '--set', 'nested.list[1]=z,nested.keep=null,items={x,2,true}',
      '--set', 'dotted\\.key=v,comma=a\\,b',
      '--set-string', 'str=123',
    );
    expect(merged).toMatchObject({
      replicas: 7, flag: true, off: false, zip: '0755', zero: 0, items: ['x', 2, true], 'dotted.key': 'v', comma: 'a,b', str: '123',
      nested: { list: ['c', 'z'], drop: 'dropped' },
    });
    // A null deletes a default; for a key without default Helm keeps the null.
    expect(merged.nested).not.toHaveProperty('keep');
    expect(merged.gone).toBeNull();
  });

  test('the values command prints the merged values without rendering', () => {
    const result = helmRender(['values', chart, '--set', 'replicas=4']);
    expect(JSON.parse(result.stdout)).toMatchObject({ replicas: 4, greeting: 'hello' });
  });

  test('malformed --set expressions are refused', () => {
    expect(failure('--set', 'replicas')).toMatch(/key "replicas" has no value/);
    expect(failure('--set', 'list[x]=1')).toMatch(/bad list index/);
  });
});

describe('built-in objects and functions', () => {
  const output = render('--api-versions', 'monitoring.coreos.com/v1', '--kube-version', '1.31.2');
  const seen = data(output);

  test('.Release, .Chart, .Capabilities and .Template', () => {
    expect(JSON.parse(seen.release!)).toEqual({ Name: 'demo', Namespace: 'team', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 });
    expect(seen.chart).toBe('fixture 0.1.0 2.3.4');
    expect(seen.kube).toBe('v1.31.2 1 31 true');
    expect(seen.template).toBe('fixture/templates/everything.yaml fixture/templates');
  });

  test('.Files honours .helmignore and offers Get, Lines and Glob', () => {
    expect(seen.file).toBe('hello from a file\nsecond line\n');
    expect(JSON.parse(seen.lines!)).toEqual(['hello from a file', 'second line']);
    expect(JSON.parse(seen.files!)).toEqual(['files/extra.yaml', 'files/greeting.txt']);
  });

  test('include, tpl, fromYaml/toYaml and an empty lookup', () => {
    expect(output.manifests.map((m) => m.object.metadata.name)).toEqual(['demo-fixture', 'demo-fixture']);
    expect(seen.tpl).toBe('demo-hello');
    expect(seen.roundTrip).toBe('x: 1');
    expect(seen.lookup).toBe('{}');
  });

  test('--cluster-objects: lookup finds the named object there, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helm-render-lookup-'));
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'default' }, data: { k: 'dg==' } };
    const other = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'elsewhere' } };
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify([other, secret]));
    try {
      expect(JSON.parse(data(render('--cluster-objects', join(dir, 'cluster.json'))).lookup!)).toEqual(secret);
      writeFileSync(join(dir, 'cluster.json'), JSON.stringify([other]));
      expect(data(render('--cluster-objects', join(dir, 'cluster.json'))).lookup).toBe('{}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('required fails with its message; strict mode fails on a missing key', () => {
    expect(failure('--set', 'requireIt=true')).toMatch(/needed is required/);
    expect(data(render('--set', 'requireIt=true,needed=yes')).required).toBe('yes');
    expect(failure('--strict', '-f', `${here}strict-missing.yaml`)).toMatch(/map has no entry for key "nope"/);
    const loose = helmRender(['template', 'demo', chart, '-o', 'json', '-f', `${here}strict-missing.yaml`]);
    expect(data(JSON.parse(loose.stdout) as Output).tpl).toBe('');
  });

  test('env and expandenv are unavailable, as in Helm', () => {
    expect(failure('-f', `${here}uses-env.yaml`)).toMatch(/function "env" not defined/);
  });

  test('NOTES.txt is rendered apart from the manifests', () => {
    expect(output.notes).toBe('Installed demo in team.\n');
    expect(output.manifests.map((m) => m.source)).not.toContain('fixture/templates/NOTES.txt');
  });
});

describe('output', () => {
  test('objects come in Helm install order, comment-only documents dropped', () => {
    expect(render().manifests.map((m) => `${m.object.kind} ${m.source}`)).toEqual([
      'ConfigMap fixture/templates/everything.yaml',
      'Deployment fixture/templates/workload.yaml',
    ]);
  });

  test('duplicate keys, which the API server would resolve silently, fail the render', () => {
    expect(failure('--set', 'brokenYaml=true')).toMatch(/fixture\/templates\/workload.yaml: invalid YAML: .*"replicas" already set/s);
  });

  test("Chart.yaml's kubeVersion constraint is enforced", () => {
    expect(failure('--kube-version', '1.27.9')).toMatch(/requires kubeVersion: >=1.28.0-0 which is incompatible with Kubernetes v1.27.9/);
  });

  test('yaml2json turns the YAML output back into the JSON output', () => {
    const yaml = helmRender(['template', 'demo', chart, '--namespace', 'team']).stdout;
    expect(yaml).toMatch(/^---\n# Source: fixture\/templates\/everything.yaml\napiVersion: v1\n/);
    const parsed = JSON.parse(helmRender(['yaml2json'], yaml).stdout) as Output;
    expect(parsed.manifests).toEqual(render().manifests);
  });
});
