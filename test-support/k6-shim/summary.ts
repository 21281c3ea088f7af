import type { ThresholdResult } from './thresholds.ts';

/** The line run.ts prints last, for tests to read. */
export const SUMMARY_PREFIX = 'K6_SHIM_SUMMARY ';

export interface ShimSummary {
  passed: boolean;
  /** Scenario definitions k6 would refuse. */
  problems: string[];
  /** Exceptions thrown by iterations. */
  errors: string[];
  scenarios: { scenario: string; exec: string; ok: boolean; ms: number }[];
  checks: { name: string; passes: number; fails: number; failure?: string }[];
  /** What a person should know to read the results, such as a Secure cookie over http. */
  notes: string[];
  thresholds: ThresholdResult[];
}
