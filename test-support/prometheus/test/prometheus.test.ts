/**
 * The Prometheus test server: scrapes what it is told, evaluates the rule files it is given,
 * follows target changes without a reload, and leaves nothing listening once stopped.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../../coturn/managed-process.ts';
import { query, rules } from '../api.ts';
import { prometheusPath, PROMETHEUS_INSTALL_TIMEOUT_MS, startPrometheus, type PrometheusServer } from '../prometheus.ts';

async function exporter(value: number): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE demo_value gauge\ndemo_value{service="demo"} ${value}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const addressOf = (server: Server) => `127.0.0.1:${(server.address() as AddressInfo).port}`;

let first: Server;
let second: Server;
let prometheus: PrometheusServer;
let dir: string;

beforeAll(async () => {
  prometheusPath();
  [first, second] = await Promise.all([exporter(1), exporter(2)]);
  dir = await mkdtemp(join(tmpdir(), 'prometheus-rules-'));
  const ruleFile = join(dir, 'rules.yaml');
  await writeFile(ruleFile, JSON.stringify({ groups: [{ name: 'demo', rules: [{ record: 'demo:value:doubled', expr: 'demo_value * 2' }] }] }));
  prometheus = await startPrometheus({
    jobs: { demo: [{ address: addressOf(first), labels: { pod: 'demo-0' } }] },
    ruleFiles: [ruleFile],
    scrapeIntervalSeconds: 1,
    evaluationIntervalSeconds: 1,
  });
}, PROMETHEUS_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await prometheus?.stop();
  first?.close();
  second?.close();
  await rm(dir, { recursive: true, force: true });
});

const valueOf = async (expr: string) => (await query(prometheus.url, expr))[0]?.value;

test('scrapes its targets with their labels, keeping the exporter\'s own labels', async () => {
  await waitUntil(async () => (await valueOf('demo_value{pod="demo-0",service="demo"}')) === 1, {
    timeoutMs: 15_000,
    describe: () => prometheus.output(),
  });
});

test('evaluates the rule files it was given', async () => {
  await waitUntil(async () => (await valueOf('demo:value:doubled')) === 2, { timeoutMs: 15_000, describe: () => prometheus.output() });
  expect((await rules(prometheus.url)).map((rule) => [rule.name, rule.health])).toEqual([['demo:value:doubled', 'ok']]);
});

test('setTargets moves a job to new addresses without a reload', async () => {
  await prometheus.setTargets('demo', [{ address: addressOf(second), labels: { pod: 'demo-1' } }]);
  await waitUntil(async () => (await valueOf('demo_value{pod="demo-1"}')) === 2, { timeoutMs: 15_000, describe: () => prometheus.output() });
});

test('stop leaves the port closed', async () => {
  const { url } = prometheus;
  await prometheus.stop();
  await expect(fetch(`${url}/-/ready`)).rejects.toThrow();
});
