import type { ServiceName } from '@signal/common/config/config';
import type { ChildService } from '../signal/child-service.ts';
import type { Upstream } from './ingress-proxy.ts';
import type { LaunchedCluster, Pod } from './launcher.ts';

export interface SupervisorEvents {
  exited(pod: Pod, how: string, restartInMs: number): void;
  restarted(pod: Pod, service: ChildService): void;
  restartFailed(pod: Pod, error: unknown): void;
}

export interface Supervisor {
  /** Ready pods of a service, as a Service's endpoints list them. */
  endpoints(service: ServiceName): Upstream[];
  /** How often a pod's process was started again, as a container's restart count. */
  restarts(pod: string): number;
  /** Resolves once every pod answers /readyz. */
  ready(): Promise<void>;
  /** No more restarts: the cluster is being taken down. */
  stop(): void;
}

const READY_POLL_MS = 200;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/** A pod that ran this long before dying starts its back-off over, as kubelet does after 10 min. */
const STABLE_MS = 60_000;

/**
 * Keeps the launched pods running as a Deployment does: a process that dies leaves the endpoints,
 * is reported, and is started again after a back-off that doubles while it keeps crashing;
 * it rejoins the endpoints once its readiness probe (/readyz) passes.
 */
export function supervise(cluster: LaunchedCluster, events: SupervisorEvents): Supervisor {
  const ready = new Map<string, Upstream & { role: ServiceName }>();
  const backoff = new Map<string, number>();
  const restarts = new Map<string, number>();
  let stopping = false;

  const probe = async (pod: Pod, service: ChildService): Promise<void> => {
    while (!stopping && cluster.running.get(pod.name) === service) {
      const ok = await fetch(`${service.url}/readyz`).then((res) => res.ok, () => false);
      if (ok) {
        ready.set(pod.name, { pod: pod.name, url: service.url, role: pod.role });
        return;
      }
      await sleep(READY_POLL_MS);
    }
  };

  const watch = (pod: Pod, service: ChildService, startedAt: number): Promise<void> => {
    void service.exited.then(({ code, signal }) => {
      if (stopping) return;
      ready.delete(pod.name);
      const delay = Date.now() - startedAt > STABLE_MS ? FIRST_BACKOFF_MS : (backoff.get(pod.name) ?? FIRST_BACKOFF_MS);
      backoff.set(pod.name, Math.min(delay * 2, MAX_BACKOFF_MS));
      events.exited(pod, signal === null ? `exited with code ${code}` : `was killed by ${signal}`, delay);
      setTimeout(() => void restart(pod), delay);
    });
    return probe(pod, service);
  };

  const restart = async (pod: Pod): Promise<void> => {
    if (stopping) return;
    try {
      const service = await cluster.restart(pod);
      if (stopping) return;
      restarts.set(pod.name, (restarts.get(pod.name) ?? 0) + 1);
      events.restarted(pod, service);
      await watch(pod, service, Date.now());
    } catch (error) {
      events.restartFailed(pod, error);
      const delay = backoff.get(pod.name) ?? FIRST_BACKOFF_MS;
      backoff.set(pod.name, Math.min(delay * 2, MAX_BACKOFF_MS));
      if (!stopping) setTimeout(() => void restart(pod), delay);
    }
  };

  const initial = Promise.all(cluster.pods.map((pod) => watch(pod, cluster.running.get(pod.name)!, Date.now())));
  return {
    endpoints: (service) => [...ready.values()].filter((upstream) => upstream.role === service).sort((a, b) => a.pod.localeCompare(b.pod)),
    restarts: (pod) => restarts.get(pod) ?? 0,
    ready: async () => {
      await initial;
    },
    stop: () => {
      stopping = true;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
