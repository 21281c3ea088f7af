/** What crosses between the VU thread and the HTTP worker. */

export interface WireRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array | null;
  timeoutMs: number;
}

export interface WireResponse {
  /** 0 when the request failed below HTTP, as in k6. */
  status: number;
  headers: [string, string][];
  body: Uint8Array;
  durationMs: number;
  error: string;
  /** k6's error codes: 1050 for a timeout, 1000 for anything else that failed. */
  errorCode: number;
}

export interface WorkerJob {
  id: number;
  /** Sync jobs answer on the sync port and wake the blocked VU thread; async ones answer as messages. */
  sync: boolean;
  request: WireRequest;
}

export interface WorkerReply {
  id: number;
  response: WireResponse;
}
