/** A client-facing failure: status code plus the message sent as `{"body": message}`. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const unauthorized = (message: string) => new HttpError(401, message);
export const forbidden = (message: string) => new HttpError(403, message);

/** A backing service (database, bus, key set) did not answer in time; maps to 503. */
export class DependencyUnavailableError extends Error {
  readonly dependency: string;
  constructor(dependency: string, cause?: unknown) {
    super(`${dependency} unavailable`, { cause });
    this.name = 'DependencyUnavailableError';
    this.dependency = dependency;
  }
}

/**
 * The in-memory store's byte budget (MEMORY_STORE_MAX_MB) cannot take a write. A 503, like an
 * unreachable database: the client's request was fine, the server has no room for it now.
 */
export class StorageFullError extends DependencyUnavailableError {
  /** Room comes back as SDPs expire (SDP_TTL_SECONDS) and sessions end. */
  static readonly RETRY_AFTER_SECONDS = 10;
  constructor() {
    super('memory-budget');
    this.name = 'StorageFullError';
  }
}
