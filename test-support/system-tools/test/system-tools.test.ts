import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  COTURN,
  GO_FOR_HELM_RENDER,
  locate,
  MISSING_TOOL_STATUS,
  MissingToolError,
  missingToolMessage,
  pathFromScript,
  PROMETHEUS,
  requireTool,
  type SystemTool,
} from '../system-tools.ts';

const NOWHERE: SystemTool = { name: 'signal-no-such-tool', command: 'signal-no-such-tool', override: 'SIGNAL_NO_SUCH_TOOL', debian: ['no-such-package'], macos: 'brew install no-such-formula' };
const SH = spawnSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' }).stdout.trim();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'system-tools-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('found on PATH, through the override variable, or at a known path', () => {
  expect(locate({ ...NOWHERE, command: 'sh' })).toBe(SH);
  expect(locate(NOWHERE, { PATH: '', SIGNAL_NO_SUCH_TOOL: SH })).toBe(SH);
  expect(locate({ ...NOWHERE, paths: ['/nonexistent/x', SH] }, { PATH: '' })).toBe(SH);
  expect(locate(NOWHERE)).toBeUndefined();
});

test('a missing tool fails with one line naming it and the commands that install it', () => {
  expect(() => requireTool(NOWHERE)).toThrow(MissingToolError);
  const message = missingToolMessage([NOWHERE]);
  expect(message).not.toContain('\n');
  expect(message).toContain('signal-no-such-tool not installed');
  expect(message).toContain('`sudo apt-get install -y no-such-package` (Debian, Ubuntu)');
  expect(message).toContain('macOS: `brew install no-such-formula`');
  expect(message).toContain('or set SIGNAL_NO_SUCH_TOOL=/path/to/signal-no-such-tool');
  expect(missingToolMessage([COTURN, GO_FOR_HELM_RENDER])).not.toContain('\n');
});

test('a script exiting with the missing-tool status becomes that one line; other failures stay errors', () => {
  const script = join(dir, 'ensure.sh');
  writeFileSync(script, `exit "$1"\n`);
  expect(() => pathFromScript(script, [String(MISSING_TOOL_STATUS)], [PROMETHEUS], 10_000)).toThrow(missingToolMessage([PROMETHEUS]));
  expect(() => pathFromScript(script, ['1'], [PROMETHEUS], 10_000)).toThrow(/ensure\.sh 1 failed with exit code 1/);
  writeFileSync(script, `echo /opt/bin/prometheus\n`);
  expect(pathFromScript(script, [], [PROMETHEUS], 10_000)).toBe('/opt/bin/prometheus');
});

test('ensure-prometheus.sh without the tool and without apt-get exits with the missing-tool status', () => {
  // A PATH with what the script runs, but no prometheus and no apt-get.
  for (const tool of ['tr', 'flock', 'id']) {
    symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(dir, tool));
  }
  const script = fileURLToPath(new URL('../../prometheus/ensure-prometheus.sh', import.meta.url));
  const bash = spawnSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();
  const result = spawnSync(bash, [script, 'prometheus'], { encoding: 'utf8', env: { PATH: dir, TMPDIR: dir } });
  expect(result.status).toBe(MISSING_TOOL_STATUS);
  expect(result.stdout).toBe('');
});
