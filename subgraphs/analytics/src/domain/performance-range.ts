export type PerformanceRange = 'ONE_DAY' | 'ONE_WEEK' | 'ONE_MONTH' | 'THREE_MONTHS' | 'YEAR_TO_DATE' | 'ONE_YEAR' | 'FIVE_YEARS' | 'MAX';

/** A measurement window: its start is null for MAX (since the first snapshot). */
export interface PerformanceWindow {
  start: Date | null;
  end: Date;
}

const minusDays = (date: Date, days: number) => new Date(date.getTime() - days * 86_400_000);

/** Calendar months back in UTC; a day the target month lacks rolls back to its last day (31 Mar - 1 month = 28/29 Feb). */
function minusMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return result;
}

/**
 * The window a range covers, ending at `now`: ONE_DAY and ONE_WEEK are 1 and 7 days of 24 hours,
 * the month and year ranges are calendar months back (UTC), YEAR_TO_DATE starts at 1 January
 * 00:00 UTC of now's year, MAX has no start.
 */
export function performanceWindow(range: PerformanceRange, now: Date): PerformanceWindow {
  switch (range) {
    case 'ONE_DAY':
      return { start: minusDays(now, 1), end: now };
    case 'ONE_WEEK':
      return { start: minusDays(now, 7), end: now };
    case 'ONE_MONTH':
      return { start: minusMonths(now, 1), end: now };
    case 'THREE_MONTHS':
      return { start: minusMonths(now, 3), end: now };
    case 'YEAR_TO_DATE':
      return { start: new Date(Date.UTC(now.getUTCFullYear(), 0, 1)), end: now };
    case 'ONE_YEAR':
      return { start: minusMonths(now, 12), end: now };
    case 'FIVE_YEARS':
      return { start: minusMonths(now, 60), end: now };
    case 'MAX':
      return { start: null, end: now };
  }
}

/** The UTC calendar day of an instant, as YYYY-MM-DD. */
export const utcDay = (time: Date): string => time.toISOString().slice(0, 10);
