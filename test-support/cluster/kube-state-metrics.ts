import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pod } from './launcher.ts';

export interface KubeStateMetrics {
  /** `127.0.0.1:<port>`, a scrape target. */
  address: string;
  close(): Promise<void>;
}

/**
 * The one kube-state-metrics series the chart's rules read (SignalPodRestarting):
 * `kube_pod_container_status_restarts_total`, from the supervisor's restart counts. Every pod's
 * series exists from the start at 0, as for a pod that never restarted, so `increase()` sees the first restart.
 */
export async function startKubeStateMetrics(namespace: string, pods: Pod[], restarts: (pod: string) => number): Promise<KubeStateMetrics> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const lines = pods.map(
      (pod) => `kube_pod_container_status_restarts_total{namespace="${namespace}",pod="${pod.name}",container="${pod.role}"} ${restarts(pod.name)}`,
    );
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(['# HELP kube_pod_container_status_restarts_total The number of container restarts per container.', '# TYPE kube_pod_container_status_restarts_total counter', ...lines, ''].join('\n'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
