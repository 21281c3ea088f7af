import { spawn } from 'node:child_process';

const NODE = process.execPath;

/** Runs a service entry point as operators do and collects how it ends. */
function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test.each([
  ['services/session/src/main.ts', {}, 'one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL is required'],
  ['services/ice/src/main.ts', {}, 'TURN_URLS is required by the ice service'],
  ['services/signaling/src/main.ts', { SDP_TTL_SECONDS: 'soon' }, 'SDP_TTL_SECONDS="soon" must be a whole number'],
  ['services/all-in-one/src/main.ts', { PORT: '-1' }, 'PORT="-1" must be a whole number'],
])('%s exits 1 naming the bad variable', async (entry, env, message) => {
  const { code, stderr } = await run(entry, env);
  expect(code).toBe(1);
  expect(stderr).toContain('Invalid configuration:');
  expect(stderr).toContain(message);
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('a running service exits 0 on SIGTERM', async () => {
  const child = spawn(NODE, ['services/all-in-one/src/main.ts'], { env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('"listening"') && resolve()));
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(0);
});
