import { ServiceBusAdministrationClient } from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';

type PipelinePolicy = Parameters<ServiceBusAdministrationClient['pipeline']['addPolicy']>[0];

export type ServiceBusCredentials =
  | { connectionString: string }
  | { namespace: string; credential: TokenCredential };

const isDevelopmentEmulator = (connectionString: string) => /(^|;)\s*UseDevelopmentEmulator\s*=\s*true\s*(;|$)/i.test(connectionString);

/**
 * @azure/service-bus 7.9.5 always calls the administration API over https, even for
 * `UseDevelopmentEmulator=true` where the AMQP side uses plain TCP; later SDK versions switch to
 * http for the emulator (azure-sdk-for-js#32771). This policy does the same until then.
 */
const emulatorPlainHttp: PipelinePolicy = {
  name: 'signalEmulatorPlainHttp',
  sendRequest(request, next) {
    request.url = request.url.replace(/^https:/, 'http:');
    request.allowInsecureConnection = true;
    return next(request);
  },
};

export function createAdministrationClient(credentials: ServiceBusCredentials): ServiceBusAdministrationClient {
  if ('namespace' in credentials) return new ServiceBusAdministrationClient(credentials.namespace, credentials.credential);
  const client = new ServiceBusAdministrationClient(credentials.connectionString);
  if (isDevelopmentEmulator(credentials.connectionString)) client.pipeline.addPolicy(emulatorPlainHttp);
  return client;
}
