import { fileURLToPath } from 'node:url';
import { startPrometheus } from '../prometheus/prometheus.ts';
import { startKubeStateMetrics } from './kube-state-metrics.ts';
import type { LaunchedCluster } from './launcher.ts';
import type { Supervisor } from './supervisor.ts';

/** The chart's recording and alert rules, as Prometheus without the operator loads them. */
const RULES = fileURLToPath(new URL('../../deploy/helm/signal/files/prometheus-rules.yaml', import.meta.url));

/** The `namespace` target label the rules group by; a cluster's ServiceMonitor adds the real one. */
export const LOCAL_NAMESPACE = 'local';

export interface Observer {
  url: string;
  /** The alerts page of the installed version's UI. */
  alerts: string;
  stop(): Promise<void>;
}

/**
 * The new UI serves `/alerts`; builds without it (Debian's 2.x package) keep only the classic
 * UI, at `/classic/alerts`. The first page that answers is the one to print.
 */
async function alertsPage(url: string): Promise<string> {
  for (const path of ['/alerts', '/classic/alerts']) {
    if (await fetch(`${url}${path}`).then((res) => res.ok, () => false)) return `${url}${path}`;
  }
  throw new Error(`Prometheus on ${url} serves neither /alerts nor /classic/alerts`);
}

/**
 * `start:cluster --observe`: a real Prometheus scraping every pod (target labels `namespace`, `pod`
 * and `service`, the latter equal to Signal's own, as the chart's ServiceMonitor sets them) and the restart counts,
 * evaluating the chart's rules every 5 s. Pods keep their ports across restarts, so targets never move.
 */
export async function observe(cluster: LaunchedCluster, supervisor: Supervisor): Promise<Observer> {
  const restarts = await startKubeStateMetrics(LOCAL_NAMESPACE, cluster.pods, supervisor.restarts);
  try {
    const prometheus = await startPrometheus({
      jobs: {
        signal: cluster.pods.map((pod) => ({
          address: `127.0.0.1:${cluster.running.get(pod.name)!.port}`,
          labels: { namespace: LOCAL_NAMESPACE, pod: pod.name, service: pod.role },
        })),
        'kube-state-metrics': [{ address: restarts.address }],
      },
      ruleFiles: [RULES],
      scrapeIntervalSeconds: 5,
      evaluationIntervalSeconds: 5,
    });
    const alerts = await alertsPage(prometheus.url).catch(async (error: unknown) => {
      await prometheus.stop();
      throw error;
    });
    return {
      url: prometheus.url,
      alerts,
      async stop() {
        await prometheus.stop();
        await restarts.close();
      },
    };
  } catch (error) {
    await restarts.close();
    throw error;
  }
}
