import type { IncomingMessage } from 'node:http';

/** Sec-Fetch-Site values of a request a person started on this site or in the browser itself. */
const OWN_SITE = new Set(['same-origin', 'same-site', 'none']);

/**
 * Whether a browser says the request comes from another site (Fetch Metadata). Every current
 * browser sends Sec-Fetch-Site on every request, so a cross-site navigation from one always
 * carries `cross-site`. Without the header the request is not one a current browser made
 * cross-site (a non-browser client, or a browser older than Fetch Metadata) and it passes; a value
 * outside the four the standard defines is treated as cross-site.
 */
export function fromAnotherSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return site !== undefined && !OWN_SITE.has(site);
}
