import type { ServerResponse } from 'node:http';

/**
 * Sends JSON text with what Express's `res.json` sends (status, Content-Type, Content-Length),
 * without its per-answer work: settings lookups, Content-Type parsed and formatted twice, and a
 * copy of any body over 1,000 bytes (every SDP) into a Buffer. Answers carry no validators (no
 * ETag, no Last-Modified), so there is no conditional request to answer with a 304; Node itself
 * leaves the body out of an answer to HEAD.
 */
export function sendJsonText(res: ServerResponse, text: string, status = 200): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Serialises `value` once and sends it (see sendJsonText). */
export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  sendJsonText(res, JSON.stringify(value), status);
}

/** `{"body":true}`, the answer of every accepted write, serialised once. */
export const ACCEPTED = JSON.stringify({ body: true });
