import type { Request, Response } from 'express';
import { buildOpenApiDocument, type DocumentOptions } from '../api/openapi-document.ts';
import type { Config } from '../config/config.ts';

/**
 * What the served document takes from configuration. The server is PUBLIC_URL, or the relative '/'
 * ("where this document came from"), never the request's Host or X-Forwarded-Host: a document a
 * cache or a client generator stores must not name an origin the requester chose.
 */
export const documentOptionsOf = ({ signaling, session, http }: Config): DocumentOptions => ({
  sdpMaxBytes: signaling.sdpMaxBytes,
  longPollMaxSeconds: signaling.longPollMaxSeconds,
  cookieName: session.cookieName,
  serverUrl: http.publicUrl ?? '/',
});

/** GET /openapi.json: the document for this deployment's limits, cookie and public URL. */
export function serveOpenApi(options: DocumentOptions) {
  const body = JSON.stringify(buildOpenApiDocument(options));
  return (_req: Request, res: Response): void => {
    res.type('application/json').send(body);
  };
}
