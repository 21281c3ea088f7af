import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CLI = fileURLToPath(new URL('../../../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));

export interface LintResult {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string; location?: { pointer?: string }[] }[];
}

/** `redocly lint --extends recommended` on a document, offline (no telemetry, no update check). */
export async function redoclyLint(document: object): Promise<LintResult> {
  const dir = await mkdtemp(join(tmpdir(), 'signal-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
    const result = await promisify(execFile)(process.execPath, [CLI, 'lint', file, '--extends', 'recommended', '--format', 'json'], {
      env: { PATH: process.env.PATH ?? '', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 60_000,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return JSON.parse(result.stdout) as LintResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
