/**
 * A variable Signal does not read but that looks like one of its own (`LONGPOL_MAX_SECONDS=5`)
 * is reported at start-up with the name probably meant, and never stops the process: other
 * software shares the environment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { editDistance } from '../../src/config/env-reader.ts';
import { misspeltVariables, SIGNAL_VARIABLES } from '../../src/config/variables.ts';
import { startSignal } from '../../../../test-support/signal/harness.ts';

const ROOT = new URL('../../../../', import.meta.url);

test.each([
  ['LONGPOL_MAX_SECONDS', 'LONGPOLL_MAX_SECONDS'],
  ['SESSION_COOKIE_SECUR', 'SESSION_COOKIE_SECURE'],
  ['TURST_PROXY', 'TRUST_PROXY'],
  ['PROT', 'PORT'],
  ['COSMOS_ENDPIONT', 'COSMOS_ENDPOINT'],
  ['TURN_URL', 'TURN_URLS'],
  ['AUTH_JWT_SECRETS', 'AUTH_JWT_SECRET'],
  ['LONGPOLL_MAX_WAIT', 'LONGPOLL_MAX_SECONDS'],
])('%s names %s', (name, intended) => {
  expect(misspeltVariables({ [name]: '5' })).toEqual([{ name, intended }]);
});

test('known variables, other software’s variables and the test suites’ switches are left alone', () => {
  const env = Object.fromEntries(SIGNAL_VARIABLES.map((name) => [name, 'x']));
  const others = ['PATH', 'HOME', 'PWD', 'USER', 'SHELL', 'TERM', 'LANG', 'HOSTNAME', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'NODE_OPTIONS', 'NODE_ENV', 'TZ', 'CI', 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_PORT', 'COSMOS_TEST_ENDPOINT', 'SERVICEBUS_TEST_CONNECTION_STRING', 'SOAK_SECONDS', 'npm_config_cache', 'LOGNAME', 'DEBIAN_FRONTEND'];
  expect(misspeltVariables({ ...env, ...Object.fromEntries(others.map((name) => [name, 'x'])) })).toEqual([]);
});

test('the list of known variables is exactly what the services read', () => {
  const read = new Set<string>();
  const dirs = [new URL('libs/common/src/', ROOT), ...readdirSync(new URL('services/', ROOT)).map((name) => new URL(`services/${name}/src/`, ROOT))];
  const scan = (dir: URL) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) scan(new URL(`${entry.name}/`, dir));
      else if (entry.name.endsWith('.ts')) for (const match of readFileSync(new URL(entry.name, dir), 'utf8').matchAll(/env\.[a-zA-Z]+\(\s*'([A-Z][A-Z0-9_]+)'/g)) read.add(match[1]!);
    }
  };
  for (const dir of dirs) scan(dir);
  expect([...SIGNAL_VARIABLES].sort()).toEqual([...read].sort());
});

test('edit distance counts a swap of neighbours as one edit', () => {
  expect(editDistance('PORT', 'PROT')).toBe(1);
  expect(editDistance('PORT', 'PORT')).toBe(0);
  expect(editDistance('', 'BUS')).toBe(3);
  expect(editDistance('HOME', 'HOST')).toBe(2);
});

test('a process started with a misspelt variable warns once, naming the variable meant, and serves', async () => {
  const lines: Record<string, unknown>[] = [];
  const capture = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
  const signal = await startSignal({ env: { LONGPOL_MAX_SECONDS: '5' }, logger: pino({ level: 'warn' }, capture) });
  try {
    expect((await fetch(`${signal.url}/healthz`)).status).toBe(200);
    const warnings = lines.filter((line) => line.variable !== undefined);
    expect(warnings).toEqual([
      expect.objectContaining({ level: 40, variable: 'LONGPOL_MAX_SECONDS', intended: 'LONGPOLL_MAX_SECONDS', msg: 'LONGPOL_MAX_SECONDS is not a Signal variable and is ignored: did you mean LONGPOLL_MAX_SECONDS?' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('"5"');
  } finally {
    await signal.shutdown();
  }
});
