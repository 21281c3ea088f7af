import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import jwt from 'jsonwebtoken';
const secret = 'x'.repeat(40);
async function run(label: string, args: string[], extra: Record<string, string>) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...args, 'services/all-in-one/src/main.ts'], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AUTH_JWT_SECRET: secret, SESSION_COOKIE_SECURE: 'false', TURN_URLS: 'turn:t.example.test:3478', TURN_SECRET: 's', RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_SESSION_PER_MINUTE: '0', ...extra }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port: string = await new Promise((resolve) => { let buf = ''; child.stdout.on('data', (c) => { buf += c; const m = buf.match(/"port":(\d+)/); if (m) resolve(m[1]!); }); });
  const startMs = performance.now() - t0;
  const base = `http://127.0.0.1:${port}`;
  const token = jwt.sign({ sub: 'u', uuid: '095be615-a8ad-4c33-8e9c-c7612fbf6c9f' }, secret, { algorithm: 'HS256', expiresIn: '10m' });
  const res = await fetch(`${base}/login`, { headers: { authorization: `Bearer ${token}` } });
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const result = await autocannon({ url: `${base}/ice_servers`, headers: { cookie }, connections: 10, duration: 5 });
  console.log(`${label}: start ${startMs.toFixed(0)} ms, ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non2xx ${result.non2xx}`);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
await run('no preload', [], {});
await run('preload, tracing off', ['--import', './libs/common/src/observability/tracing-preload.ts'], {});
await run('preload, tracing on (otlp to closed port)', ['--import', './libs/common/src/observability/tracing-preload.ts'], { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', LOG_LEVEL: 'silent' });
