import type { Request, Response } from 'express';
import { buildOpenApiDocument, type DocumentOptions } from '../api/openapi-document.ts';
import type { Config } from '../config/config.ts';

/** What the served document takes from configuration. */
export const documentOptionsOf = ({ signaling, session }: Config): Omit<DocumentOptions, 'serverUrl'> => ({
  sdpMaxBytes: signaling.sdpMaxBytes,
  longPollMaxSeconds: signaling.longPollMaxSeconds,
  cookieName: session.cookieName,
});

/**
 * GET /openapi.json: the document for this deployment's limits and cookie, with the server it was
 * asked from (behind a trusted proxy, the client's scheme and host), so that generated clients
 * call the right origin.
 */
export function serveOpenApi(options: Omit<DocumentOptions, 'serverUrl'>) {
  const document = buildOpenApiDocument({ ...options, serverUrl: '/' });
  // One origin in practice: keep the last body instead of serialising the document per request.
  let last = { origin: '', body: '' };
  return (req: Request, res: Response): void => {
    // Without a Host header (HTTP/1.0) the relative '/' means "where this document came from".
    const origin = req.host === undefined ? '/' : `${req.protocol}://${req.host}`;
    if (last.origin !== origin) last = { origin, body: JSON.stringify({ ...document, servers: [{ ...document.servers[0], url: origin }] }) };
    res.type('application/json').send(last.body);
  };
}
