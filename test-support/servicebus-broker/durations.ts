/**
 * ISO 8601 durations as the Service Bus ATOM API writes them (`PT5M`, `P10675199DT2H48M5.4775807S`).
 * Only days and clock parts occur there, so years, months and weeks are rejected.
 */
const DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** .NET's TimeSpan.MaxValue, which Service Bus reports for "never". */
export const NEVER = 'P10675199DT2H48M5.4775807S';
const NEVER_DAYS = 10675199;

/** Milliseconds, or Infinity for {@link NEVER}. */
export function parseDurationMs(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === 'P' || text.trim().endsWith('T')) {
    throw new RangeError(`not an ISO 8601 duration: ${text}`);
  }
  const [, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  if (days! >= NEVER_DAYS) return Infinity;
  return Math.round((((days! * 24 + hours!) * 60 + minutes!) * 60 + seconds!) * 1000);
}

export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return NEVER;
  return `PT${ms / 1000}S`;
}
