/** The ingress stand-in of `npm run start:cluster` waits for a long-poll as long as the chart's Ingress does. */
import { INGRESS_TIMEOUT_SECONDS } from '../../test-support/cluster/ingress-proxy.ts';
import { named, render } from '../deploy/support/renders.ts';

test('the read timeout is the chart default ingress.timeoutSeconds', () => {
  const ingress = named<{ metadata: { annotations?: Record<string, string> } }>(render(), 'Ingress', 'signal');
  expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe(String(INGRESS_TIMEOUT_SECONDS));
});
