import express, { type RequestHandler } from 'express';
import { BodyError, isFinished, readBody } from './json-body-read.ts';

/**
 * The Content-Types clients send with JSON. Any other (other parameters, other charsets, odd
 * spacing or case, other types) goes to express.json, whose rules for it stay the rules.
 */
const COMMON_JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8', 'application/json; charset=UTF-8']);

/**
 * JSON body parsing for the routes that take a body, and only those: a body sent anywhere else
 * is never read. It answers every body as `express.json({ limit, strict: true, inflate: false })`
 * did (a differential test holds the two together), for a fraction of body-parser's CPU and
 * garbage: no per-request option parsing, debug calls, streaming decoder or async resource (raw-body
 * bound its callback to the caller's async context; the body's events already come in the
 * request's, which the tracing SDK binds the request's listeners to, so later handlers see the
 * same trace context). A request with any Content-Type but the common JSON ones is left to
 * express.json itself.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const bodyParser = express.json({ limit: limitBytes, strict: true, inflate: false });
  return (req, res, next) => {
    const { headers } = req;
    const contentType = headers['content-type'];
    if (contentType === undefined || !COMMON_JSON_TYPES.has(contentType)) {
      bodyParser(req, res, next);
      return;
    }
    if (isFinished(req)) {
      next();
      return;
    }
    if (!Reflect.has(req, 'body')) req.body = undefined;
    // A body is announced by either header (type-is's rule); without one there is none to read.
    if (headers['transfer-encoding'] === undefined && Number.isNaN(Number(headers['content-length']))) {
      next();
      return;
    }
    // Refused before this by `identityEncodingOnly`, which trims; kept should the order change.
    const contentEncoding = headers['content-encoding'];
    if (contentEncoding && contentEncoding.toLowerCase() !== 'identity') {
      next(new BodyError(415, 'encoding.unsupported', 'content encoding unsupported'));
      return;
    }
    readBody(req, limitBytes, (body) => {
      if (body instanceof BodyError) {
        next(body);
        return;
      }
      try {
        req.body = parseStrict(body.toString('utf8'));
      } catch {
        next(new BodyError(400, 'entity.parse.failed', 'request body is not valid JSON'));
        return;
      }
      next();
    });
  };
}

const BOM = 0xfeff;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * body-parser's strict JSON: the decoder drops one leading byte-order mark; an empty body is `{}`
 * (a common client mistake it forgives); otherwise the first character that is not JSON whitespace
 * must open an object or an array.
 */
function parseStrict(decoded: string): unknown {
  const text = decoded.charCodeAt(0) === BOM ? decoded.slice(1) : decoded;
  if (text.length === 0) return {};
  const first = text.charCodeAt(0);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    const opening = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/.exec(text)?.[1];
    if (opening !== '{' && opening !== '[') throw new SyntaxError('not an object or array');
  }
  return JSON.parse(text) as unknown;
}
