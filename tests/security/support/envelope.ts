import type { RawResponse } from './raw-http.ts';

/**
 * The contract every answer to a client mistake keeps: never a 5xx, and an error is JSON of
 * exactly `{"body": "<string>"}` (HEAD answers carry no body to check).
 */
export function assertClientSafe(res: RawResponse, method: string): void {
  if (res.status >= 500) throw new Error(`server error ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
  if (res.status < 400 || method === 'HEAD') return;
  if (!(res.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new Error(`error ${res.status} with content-type ${res.headers['content-type']}`);
  }
  const parsed: unknown = JSON.parse(res.body.toString('utf8'));
  const keys = typeof parsed === 'object' && parsed !== null ? Object.keys(parsed) : [];
  if (keys.length !== 1 || typeof (parsed as { body?: unknown }).body !== 'string') {
    throw new Error(`error ${res.status} outside the envelope: ${res.body.toString('utf8').slice(0, 300)}`);
  }
}
