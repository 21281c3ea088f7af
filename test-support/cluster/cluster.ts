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
  return {
    cosmos: launched.cosmos,
    broker: launched.broker,
    session: pod('session-0'),
    signaling: [pod('signaling-0'), pod('signaling-1')],
    ice: pod('ice-0'),
    stop: launched.stop,
  };
}
