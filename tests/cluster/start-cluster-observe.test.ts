/**
 * `npm run start:cluster -- --observe`: a real Prometheus scrapes every pod with the chart's rules;
 * a replica killed by hand until it counts as restarting shows SignalPodRestarting going pending.
 */
import { alerts, query } from '../../test-support/prometheus/api.ts';
import { alive, startClusterProcess, type ClusterProcess } from './support/cluster-process.ts';

let cluster: ClusterProcess;
let prometheus: string;

beforeAll(async () => {
  cluster = startClusterProcess(['--port=0', '--signaling=1', '--observe']);
  // A fresh machine installs Prometheus first (ensure-prometheus.sh).
  prometheus = String((await cluster.line((entry) => entry.msg === 'prometheus ready', 600_000)).url);
}, 610_000);

afterAll(async () => {
  if (cluster.child.exitCode === null && cluster.child.signalCode === null) cluster.child.kill('SIGINT');
  await cluster.exited;
}, 30_000);

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} not seen in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

test('the banner’s Prometheus and alerts links answer on the installed version', async () => {
  const banner = await cluster.line((entry) => typeof entry.alerts === 'string');
  expect(banner.prometheus).toBe(prometheus);
  expect(String(banner.alerts)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(classic\/)?alerts$/);
  const page = await fetch(String(banner.alerts));
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/SignalPodRestarting/);
}, 30_000);

test('every pod and the restart counts are scraped, with the labels the rules group by', async () => {
  const up = await until(async () => {
    const samples = await query(prometheus, 'up == 1');
    return samples.length === 4 ? samples : undefined;
  }, 'four targets up');
  expect(up.map((sample) => `${sample.metric.pod ?? sample.metric.job}/${sample.metric.service ?? ''}`).sort()).toEqual([
    'ice-0/ice',
    'kube-state-metrics/',
    'session-0/session',
    'signaling-0/signaling',
  ]);
  const ready = await query(prometheus, 'signal_ready');
  expect(ready.map((sample) => `${sample.metric.namespace}/${sample.metric.pod}/${sample.metric.service}`).sort()).toEqual([
    'local/ice-0/ice',
    'local/session-0/session',
    'local/signaling-0/signaling',
  ]);
}, 60_000);

test('a signaling replica killed three times: SignalPodRestarting goes pending for it', async () => {
  const starts = () => cluster.lines.filter((entry) => entry.pod === 'signaling-0' && (entry.msg === 'pod started' || entry.msg === 'pod restarted'));
  for (let kill = 1; kill <= 3; kill += 1) {
    const pid = Number(starts().at(-1)!.pid);
    process.kill(pid, 'SIGKILL');
    await cluster.line(() => starts().length > kill, 60_000);
    expect(alive(pid)).toBe(false);
  }
  const alert = await until(async () => (await alerts(prometheus)).find((one) => one.labels.alertname === 'SignalPodRestarting'), 'SignalPodRestarting');
  expect(alert).toMatchObject({ state: 'pending', labels: { namespace: 'local', pod: 'signaling-0', service: 'signaling' } });
}, 120_000);
