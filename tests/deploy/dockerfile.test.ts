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

test('every stage starts from the digest-pinned base or an earlier stage', () => {
  const { instructions } = parse(dockerfile);
  const base = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
  expect(base?.args).toMatch(/^NODE_IMAGE=node:24-bookworm-slim@sha256:[0-9a-f]{64}$/);
  const stages: string[] = [];
  for (const { keyword, args } of instructions.filter((i) => i.keyword === 'FROM')) {
    const [image, , name] = args.split(/\s+/);
    expect(image === '${NODE_IMAGE}' || stages.includes(image!)).toBe(true);
    if (name !== undefined) stages.push(name);
    expect(keyword).toBe('FROM');
  }
  expect(stages).toEqual(expect.arrayContaining(['deps', 'runtime', 'session', 'signaling', 'ice']));
});

test('the digest update path is documented where the Dockerfile points', () => {
  expect(dockerfile).toContain('docs/deploy.md, "2. Images"');
  const images = /## 2\. Images\n([\s\S]*?)\n## /.exec(readFileSync(`${repoRoot}docs/deploy.md`, 'utf8'))?.[1] ?? '';
  expect(images).toMatch(/imagetools inspect node:24-bookworm-slim/);
  expect(images).toMatch(/az acr build/);
});
