import { Constants, type CosmosHeaders, type RequestOptions } from '@azure/cosmos';
import { DependencyUnavailableError } from '../../errors.ts';

/** The parts of every SDK response (item, container, database) this module looks at. */
export interface CosmosResponse {
  headers: CosmosHeaders;
  statusCode: number;
  substatus?: number;
}

export interface CosmosCallObserver {
  onRequestCharge?: (op: string, ru: number) => void;
  onThrottle?: (op: string) => void;
}

type Call<R> = (options: RequestOptions) => Promise<R>;

const NOT_FOUND = 404;
const TOO_MANY_REQUESTS = 429;
/** 404 substatus meaning the database or container is gone, not the item: an outage, not a miss. */
const OWNER_RESOURCE_MISSING = 1003;
/** Answers to a request Signal should not have sent: a bug to surface, not an outage to ride out. */
const CLIENT_MISTAKES = new Set([400, 409, 412, 413]);

/**
 * Runs one Cosmos operation under a deadline. The SDK's own retries (429s, dropped connections)
 * happen inside it; the abort signal cancels the request in flight when time is up, and the
 * race returns at the deadline even while the SDK is sleeping before a retry, which it does
 * without looking at the signal. Every failure that is not Signal's own mistake becomes
 * `DependencyUnavailableError('cosmos')`.
 */
export class CosmosCaller {
  readonly #deadlineMs: number;
  readonly #observer: CosmosCallObserver;

  constructor(deadlineMs: number, observer: CosmosCallObserver) {
    this.#deadlineMs = deadlineMs;
    this.#observer = observer;
  }

  /** The response of a write or metadata read (the SDK rejects those on any error status). */
  async run<R extends CosmosResponse>(op: string, call: Call<R>): Promise<R> {
    try {
      return await this.#race(op, call);
    } catch (error) {
      throw classify(error);
    }
  }

  /**
   * The response, or undefined when the thing does not exist. Point reads resolve with a 404
   * where deletes and metadata reads reject with one; both mean absent.
   */
  async find<R extends CosmosResponse>(op: string, call: Call<R>): Promise<R | undefined> {
    try {
      const response = await this.#race(op, call);
      return isItemMissing(response) ? undefined : response;
    } catch (error) {
      if (isItemMissing(error)) return undefined;
      throw classify(error);
    }
  }

  async #race<R extends CosmosResponse>(op: string, call: Call<R>): Promise<R> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`cosmos ${op} exceeded its ${this.#deadlineMs} ms deadline`);
        controller.abort(error);
        reject(error);
      }, this.#deadlineMs);
    });
    const attempt = Promise.resolve().then(() => call({ abortSignal: controller.signal }));
    // Accounting hangs off the attempt, not the race, so a response that lands after the deadline
    // is still counted; it also gives the losing attempt's rejection a handler.
    attempt
      .then(
        (response) => this.#account(op, response.headers, undefined),
        (error: unknown) => this.#account(op, headersOf(error), statusOf(error)),
      )
      .catch((error: unknown) => process.emitWarning(`cosmos ${op} observer failed: ${String(error)}`));
    try {
      return await Promise.race([attempt, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  #account(op: string, headers: CosmosHeaders | undefined, failedStatus: number | undefined): void {
    const ru = Number(headers?.[Constants.HttpHeaders.RequestCharge] ?? 0);
    if (ru > 0) this.#observer.onRequestCharge?.(op, ru);
    const retried = Number(headers?.[Constants.ThrottleRetryCount] ?? 0);
    const throttles = retried + (failedStatus === TOO_MANY_REQUESTS ? 1 : 0);
    for (let i = 0; i < throttles; i += 1) this.#observer.onThrottle?.(op);
  }
}

export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function headersOf(error: unknown): CosmosHeaders | undefined {
  return (error as { headers?: CosmosHeaders } | undefined)?.headers;
}

function isItemMissing(outcome: unknown): boolean {
  const { statusCode, code, substatus } = (outcome ?? {}) as { statusCode?: unknown; code?: unknown; substatus?: unknown };
  return (statusCode === NOT_FOUND || code === NOT_FOUND) && substatus !== OWNER_RESOURCE_MISSING;
}

function classify(error: unknown): Error {
  const status = statusOf(error);
  if (status !== undefined && CLIENT_MISTAKES.has(status) && error instanceof Error) return error;
  return new DependencyUnavailableError('cosmos', error);
}
