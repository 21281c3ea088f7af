/**
 * A real Prometheus server for tests and local clusters: Debian's `prometheus` binary (located or
 * installed by ensure-prometheus.sh) on a loopback port, scraping the given targets and evaluating
 * the given rule files. Targets live in file_sd files, so `setTargets` moves a job to new
 * addresses (a restarted process on a new port) without a reload.
 */
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, waitUntil } from '../coturn/managed-process.ts';
import { pathFromScript, PROMETHEUS } from '../system-tools/system-tools.ts';

const ENSURE = fileURLToPath(new URL('./ensure-prometheus.sh', import.meta.url));
const HOST = '127.0.0.1';

/** apt-get update plus install on a cold machine takes about a minute; a hung apt lock does not end. */
export const PROMETHEUS_INSTALL_TIMEOUT_MS = 600_000;
const READY_TIMEOUT_MS = 30_000;

export interface ScrapeTarget {
  /** `host:port` */
  address: string;
  /** Target labels, as Kubernetes service discovery would add them (`pod`, `namespace`). */
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  /** Job name to its targets; every job scrapes `/metrics` over http. */
  jobs: Record<string, ScrapeTarget[]>;
  /** Absolute paths of rule files to load. */
  ruleFiles?: string[];
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
  /** Fixed port; default a free one. */
  port?: number;
  /** Keep Signal's own `service` label, as the chart's ServiceMonitor does (`honorLabels: true`). */
  honorLabels?: boolean;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Replaces a job's targets; Prometheus notices the file change within about a second. */
  setTargets(job: string, targets: ScrapeTarget[]): Promise<void>;
  /** The last lines Prometheus logged, for error messages. */
  output(): string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

let located: string | undefined;

/** Absolute path of the Prometheus server binary; installs Debian's package on first use when missing. */
export function prometheusPath(): string {
  located ??= pathFromScript(ENSURE, ['prometheus'], [PROMETHEUS], PROMETHEUS_INSTALL_TIMEOUT_MS);
  return located;
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const binary = prometheusPath();
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-'));
  const targetsFile = (job: string) => join(dir, `targets-${job}.json`);
  const setTargets = async (job: string, targets: ScrapeTarget[]) => {
    const groups = targets.map((target) => ({ targets: [target.address], labels: target.labels ?? {} }));
    // Written aside and renamed, so Prometheus never reads a half-written file.
    await writeFile(`${targetsFile(job)}.tmp`, JSON.stringify(groups));
    await rename(`${targetsFile(job)}.tmp`, targetsFile(job));
  };
  for (const [job, targets] of Object.entries(options.jobs)) await setTargets(job, targets);

  const interval = (seconds: number | undefined, fallback: number) => `${seconds ?? fallback}s`;
  // JSON is YAML, so the config needs no YAML writer.
  const config = {
    global: {
      scrape_interval: interval(options.scrapeIntervalSeconds, 15),
      scrape_timeout: interval(options.scrapeIntervalSeconds, 10),
      evaluation_interval: interval(options.evaluationIntervalSeconds, 15),
    },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: Object.keys(options.jobs).map((job) => ({
      job_name: job,
      honor_labels: options.honorLabels ?? true,
      file_sd_configs: [{ files: [targetsFile(job)], refresh_interval: '1s' }],
    })),
  };
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, JSON.stringify(config, null, 2));

  const port = options.port ?? (await freeTcpPort());
  const url = `http://${HOST}:${port}`;
  const server = startProcess(binary, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=${HOST}:${port}`,
    '--storage.tsdb.retention.time=1d',
    '--log.level=warn',
  ]);
  const stop = async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => {
        if (server.hasExited()) throw new Error(`prometheus exited before it was ready:\n${server.output()}`);
        return fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 200, describe: () => `prometheus on ${url} not ready:\n${server.output()}` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, setTargets, output: server.output, stop };
}

async function freeTcpPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, HOST, resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the kernel');
  return address.port;
}
