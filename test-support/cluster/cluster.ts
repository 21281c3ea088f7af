import type { Broker } from '../servicebus-broker/index.ts';
import type { CosmosTestServer } from '../cosmos/cosmos-server.ts';
import type { ChildService } from '../signal/child-service.ts';
import { testEnv } from '../signal/harness.ts';
import { launchCluster } from './launcher.ts';

export interface Cluster {
  cosmos: CosmosTestServer;
  broker: Broker;
  session: ChildService;
  signaling: [ChildService, ChildService];
  ice: ChildService;
  /**
   * A container restart: stops `service` (SIGKILL when `crash`) and starts its pod again with the
   * same role, pod name, environment and port. The cluster's fields point at the new process.
   */
  restart(service: ChildService, options?: { crash?: boolean }): Promise<ChildService>;
  stop(): Promise<void>;
}

/**
 * The launcher's cluster with the tests' settings: one session, two signaling and one ice process.
 * `env` goes to every process; `envFor` adds variables for one pod, as a pod spec derives them
 * from its own name (OTEL_RESOURCE_ATTRIBUTES with k8s.pod.name, say).
 */
export async function startCluster(env: Record<string, string> = {}, envFor: (podName: string) => Record<string, string> = () => ({})): Promise<Cluster> {
  const shared = Object.fromEntries(Object.entries(testEnv(env)).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const launched = await launchCluster({ signalingReplicas: 2, env: (pod) => ({ ...shared, ...envFor(pod.name) }) });
  const pod = (name: string) => launched.running.get(name)!;
  const cluster: Cluster = {
    cosmos: launched.cosmos,
    broker: launched.broker,
    session: pod('session-0'),
    signaling: [pod('signaling-0'), pod('signaling-1')],
    ice: pod('ice-0'),
    async restart(service, options = {}) {
      const owner = launched.pods.find((candidate) => launched.running.get(candidate.name) === service);
      if (owner === undefined) throw new Error(`${service.role} on port ${service.port} is not a current process of this cluster`);
      if (options.crash) await service.kill();
      else await service.stop();
      const replacement = await launched.restart(owner);
      if (cluster.session === service) cluster.session = replacement;
      if (cluster.ice === service) cluster.ice = replacement;
      cluster.signaling = cluster.signaling.map((one) => (one === service ? replacement : one)) as [ChildService, ChildService];
      return replacement;
    },
    stop: launched.stop,
  };
  return cluster;
}
