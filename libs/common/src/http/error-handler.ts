import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DependencyUnavailableError, HttpError, StorageFullError } from '../errors.ts';
import { errorSummary, RepeatedLog } from '../observability/repeated-log.ts';

const DEPENDENCY_MESSAGES: Record<string, string> = {
  cosmos: 'Storage unavailable',
  memory: 'Storage unavailable',
  jwks: 'Authentication keys unavailable',
  'memory-budget': 'Storage full',
};

/**
 * Refusals of request bodies (json-body.ts, and express.json() it hands other UTF charsets to)
 * carry an HTTP status and body-parser's `type`; other 4xx errors (Express's own) a status alone.
 */
interface BodyParserError {
  status?: number;
  type?: string;
}

function clientMessage(error: BodyParserError): { status: number; message: string } | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return { status: 413, message: 'Request body too large' };
    case 'entity.parse.failed':
      return { status: 400, message: 'Request body is not valid JSON' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, message: 'Unsupported request body encoding' };
    case 'request.aborted':
      return { status: 400, message: 'Request aborted' };
    default:
      if (error.status !== undefined && error.status >= 400 && error.status < 500) {
        return { status: error.status, message: 'Bad request' };
      }
      return undefined;
  }
}

/**
 * Maps every failure to the seed's `{"body": "..."}` envelope; stack traces only reach the log, and
 * only for unhandled errors. A dependency that is down fails every request that needs it the same
 * way, so its warning is written when the failures start and then once a minute with their count,
 * without the SDK's stack.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  const dependencyWarnings = new RepeatedLog({ line: (fields, message) => logger.warn(fields, message) });
  return (error: unknown, _req, res, _next) => {
    const { requestId } = res.locals;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpError) {
      res.set(error.headers).status(error.status).json({ body: error.message });
      return;
    }
    if (error instanceof DependencyUnavailableError) {
      dependencyWarnings.record(error.dependency, { requestId, dependency: error.dependency, error: errorSummary(error.cause) }, 'dependency unavailable');
      const retryAfter = error instanceof StorageFullError ? StorageFullError.RETRY_AFTER_SECONDS : 1;
      res.set('Retry-After', String(retryAfter)).status(503).json({ body: DEPENDENCY_MESSAGES[error.dependency] ?? 'Service unavailable' });
      return;
    }
    const known = typeof error === 'object' && error !== null ? clientMessage(error as BodyParserError) : undefined;
    if (known !== undefined) {
      res.status(known.status).json({ body: known.message });
      return;
    }
    logger.error({ requestId, err: error }, 'unhandled error');
    res.status(500).json({ body: 'Internal error' });
  };
}

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ body: 'Not found' });
};
