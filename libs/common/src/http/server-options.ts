import type { ServerOptions } from 'node:http';
import type { HttpConfig } from '../config/config.ts';

/**
 * Ingress controllers keep idle upstream connections for 60 s (ingress-nginx) and reuse them;
 * closing first would make them send a request into a closing socket.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Timeouts for the Node HTTP server. A connection must deliver a complete request head within
 * HTTP_IDLE_TIMEOUT_SECONDS of opening (or of starting its next request), so one that sends
 * nothing, or stalls mid-head, is closed instead of holding a descriptor forever; a whole
 * request may take as long as the longest long-poll. Expiry is checked a few times per timeout.
 */
export function serverOptions(http: HttpConfig, longPollMaxSeconds: number): ServerOptions {
  const headersTimeout = http.idleTimeoutSeconds * 1000;
  return {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, (longPollMaxSeconds + 30) * 1000),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(5000, Math.max(250, headersTimeout / 4)),
  };
}
