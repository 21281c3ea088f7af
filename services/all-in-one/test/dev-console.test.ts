import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '@signal/common/config/config';
import { announce, bannerText, browserUrl, devLogDestination, linePrettifier } from '../src/dev-console.ts';

/** A stream that says whether it is a terminal, as process.stdout does, and keeps what it gets. */
function output(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => text });
}

const devConfig = loadConfig({}, 'all-in-one', () => 'x'.repeat(43));
const productionConfig = loadConfig({ AUTH_JWT_SECRET: 's'.repeat(32), AUTH_JWT_ISSUER: 'https://issuer.example/', AUTH_JWT_AUDIENCE: 'api://signal' }, 'all-in-one', () => 'unused');
const banner = { title: 'Signal (dev mode)', url: 'http://localhost:8080', metrics: { 'all-in-one': 'http://localhost:8080/metrics' } };

test('dev mode at a terminal logs human-readable lines', () => {
  const stdout = output(true);
  const destination = devLogDestination(devConfig, stdout);
  expect(destination).toBeDefined();
  pino({ base: { service: 'all-in-one' } }, destination).info({ port: 8080 }, 'listening');
  const printed = stripVTControlCharacters(stdout.text());
  expect(printed).toMatch(/INFO.*listening/);
  expect(printed).toContain('"port":8080');
  expect(printed).not.toContain('{"level"');
});

test('JSON lines when stdout is not a terminal, and always outside dev mode', () => {
  expect(devLogDestination(devConfig, output(false))).toBeUndefined();
  expect(devLogDestination(productionConfig, output(true))).toBeUndefined();
  expect(devLogDestination(productionConfig, output(false))).toBeUndefined();
});

test('the banner names the URL, /demo/, /dev/token and /metrics: text at a terminal', () => {
  const stdout = output(true);
  announce(banner, pino({ enabled: false }), stdout);
  const text = stdout.text();
  expect(text).toContain('Signal (dev mode): http://localhost:8080');
  expect(text).toMatch(/demo\s+http:\/\/localhost:8080\/demo\//);
  expect(text).toMatch(/dev token\s+http:\/\/localhost:8080\/dev\/token\?name=alice/);
  expect(text).toMatch(/metrics all-in-one\s+http:\/\/localhost:8080\/metrics/);
  expect(text).toBe(`\n${bannerText(banner)}\n\n`);
});

test('the banner is one structured log entry anywhere else', () => {
  const stdout = output(false);
  const logs = output(false);
  announce({ ...banner, more: { prometheus: 'http://127.0.0.1:9090' } }, pino(logs), stdout);
  expect(stdout.text()).toBe('');
  expect(JSON.parse(logs.text())).toMatchObject({
    msg: 'Signal (dev mode)',
    url: 'http://localhost:8080',
    demo: 'http://localhost:8080/demo/',
    token: 'http://localhost:8080/dev/token?name=alice',
    metrics: { 'all-in-one': 'http://localhost:8080/metrics' },
    prometheus: 'http://127.0.0.1:9090',
  });
});

test('another process’s JSON line is prettified like our own; anything else passes through', () => {
  const pretty = linePrettifier();
  expect(stripVTControlCharacters(pretty('{"level":40,"time":0,"service":"signaling","msg":"bus down"}'))).toMatch(/WARN.*bus down/);
  expect(pretty('Invalid configuration: PORT')).toBe('Invalid configuration: PORT');
});

test.each([
  ['0.0.0.0', 'http://localhost:8080'],
  ['::', 'http://localhost:8080'],
  ['127.0.0.1', 'http://127.0.0.1:8080'],
  ['::1', 'http://[::1]:8080'],
])('listening on %s is reached at %s', (host, url) => {
  expect(browserUrl(host, 8080)).toBe(url);
});
