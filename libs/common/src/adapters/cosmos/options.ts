import type { Clock } from '../../clock.ts';

/** What the Cosmos adapters need; the service's config module fills it from `COSMOS_*`. */
export interface CosmosStoreOptions {
  /** `COSMOS_ENDPOINT`. */
  endpoint: string;
  /** `COSMOS_KEY`; without it the client signs in with Entra ID (`DefaultAzureCredential`). */
  key?: string;
  /** `COSMOS_DATABASE`, default `signal`. */
  database?: string;
  /** `COSMOS_SESSIONS_CONTAINER`, default `sessions`. */
  sessionsContainer?: string;
  /** `COSMOS_CREATE_IF_MISSING`: create what is absent instead of refusing to start. */
  createIfMissing: boolean;
  /** Deadline of one store call, retries included. Default 2000. */
  requestTimeoutMs?: number;
  /** `COSMOS_PREFERRED_REGIONS`: regions of a multi-region account, nearest first. */
  preferredRegions?: string[];
  clock: Clock;
  /** Request units charged by each response, `op` being e.g. `sdp_put`. */
  onRequestCharge?: (op: string, ru: number) => void;
  /** Called once per 429 answer Cosmos gave to `op`. */
  onThrottle?: (op: string) => void;
}

export const COSMOS_DEFAULTS = {
  database: 'signal',
  sessionsContainer: 'sessions',
  requestTimeoutMs: 2000,
} as const;
