/**
 * What a person sees on a first `npm start`: a banner saying where to go, and log lines for
 * humans at a terminal; JSON lines whenever stdout is not a terminal, and always outside dev mode.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { runInTerminal } from './support/terminal.ts';

const ALL_IN_ONE = ['services/all-in-one/src/main.ts'];
const BASE_ENV = { PORT: '0', HOST: '127.0.0.1', SESSION_COOKIE_SECURE: 'false' };

test('at a terminal, dev mode prints the banner and human-readable log lines', async () => {
  const terminal = runInTerminal([process.execPath, ...ALL_IN_ONE], BASE_ENV);
  try {
    await terminal.printed('metrics all-in-one');
    const text = terminal.output();
    const url = /Signal \(dev mode[^)]*\): (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    expect(text).toMatch(/INFO: listening/);
    expect(text).toMatch(/WARN: DEV MODE/);
    expect(text).not.toContain('{"level"');
    // The banner's links work.
    expect(text).toContain(`${url}/demo/`);
    expect((await fetch(`${url}/demo/`)).status).toBe(200);
    expect((await fetch(`${url}/dev/token?name=alice`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  } finally {
    await terminal.stop();
  }
});

test('through a pipe, dev mode prints JSON lines only, the banner among them', async () => {
  const child = spawn(process.execPath, ALL_IN_ONE, { env: { PATH: process.env.PATH ?? '', ...BASE_ENV }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const banner = await new Promise<Record<string, unknown>>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry.demo === 'string') resolve(entry);
    });
  });
  child.kill('SIGTERM');
  expect(banner).toMatchObject({ level: 30, token: `${String(banner.url)}/dev/token?name=alice`, demo: `${String(banner.url)}/demo/` });
  expect(lines.every((line) => line.startsWith('{"level":'))).toBe(true);
});

test('outside dev mode a terminal still gets JSON lines and no banner (production unchanged)', async () => {
  const terminal = runInTerminal([process.execPath, ...ALL_IN_ONE], { ...BASE_ENV, AUTH_JWT_SECRET: 'a-production-secret-of-32-bytes-or-more', AUTH_JWT_ISSUER: 'https://issuer.example/', AUTH_JWT_AUDIENCE: 'api://signal' });
  try {
    await terminal.printed('"msg":"listening"');
    expect(terminal.output()).not.toContain('dev token');
    expect(terminal.output().trim().split('\n').every((line) => line.startsWith('{"level":'))).toBe(true);
  } finally {
    await terminal.stop();
  }
});
