/** The ingress stand-in of `npm run start:cluster` waits for a long-poll as long as the chart's default route does. */
import { INGRESS_TIMEOUT_SECONDS } from '../../test-support/cluster/ingress-proxy.ts';
import { ofKind, render } from '../deploy/support/renders.ts';

interface Route {
  spec: { rules: { timeouts?: { request?: string } }[] };
}

test('the read timeout is the chart default ingress.timeoutSeconds (the HTTPRoute request timeout)', () => {
  const timeouts = ofKind<Route>(render(), 'HTTPRoute').flatMap((route) => route.spec.rules.map((rule) => rule.timeouts?.request));
  expect(timeouts.length).toBeGreaterThan(0);
  expect(new Set(timeouts)).toEqual(new Set([`${INGRESS_TIMEOUT_SECONDS}s`]));
});
