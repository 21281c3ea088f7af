/** What `bench:cluster -- replica-ceiling` measured, as written to bench/results/ for the scaling plot. */

export type Routing = 'random' | 'room';

/** The fields of a row that the plots read; the file holds every field the bench prints. */
export interface CeilingRow {
  replicas: number;
  routing: Routing;
  round: number;
  handshakesPerSecond: number;
  /** CPU each replica used, as a share of its quota. */
  replicaUse: { quota: number }[];
  /** Row `1b`: one replica beside a process held to the same quota, burning CPU (absent in older files). */
  burner?: boolean;
}

export interface CeilingResults {
  bench: 'replica-ceiling';
  startedAt: string;
  command: string;
  environment: Record<string, string>;
  millicores: number;
  seconds: number;
  rounds: number;
  pairsPerReplica: number;
  rows: CeilingRow[];
}

/** Below this share of its quota a replica was not the limit, and the bench says so of its row. */
export const SATURATED = 0.85;

/** Every replica of the row ran at its quota: the row measured the replicas, not the machine. */
export const atQuota = (row: CeilingRow): boolean => row.replicaUse.every((use) => use.quota >= SATURATED);

/** Results files of this bench start with this, then the run's time stamp. */
export const CEILING_PREFIX = 'replica-ceiling-';

export function isCeilingResults(value: unknown): value is CeilingResults {
  return typeof value === 'object' && value !== null && (value as { bench?: unknown }).bench === 'replica-ceiling' && Array.isArray((value as { rows?: unknown }).rows);
}
