// The synthetic book's clock: a fixed start (never Date.now(), so output is reproducible) and
// day/month arithmetic in UTC epoch milliseconds.

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** 2024-01-01T00:00:00Z: day 0 of every generated book. */
export const BOOK_START_MS = Date.UTC(2024, 0, 1);

/** The book spans about this many days (more when the requested event count needs them). */
export const BOOK_NOMINAL_DAYS = 180;

export function dayStartMs(day: number): number {
  return BOOK_START_MS + day * DAY_MS;
}

/** The book day (0-based) a time falls in. */
export function dayOf(ms: number): number {
  return Math.floor((ms - BOOK_START_MS) / DAY_MS);
}

/** True when the book day starts a calendar month (UTC). */
export function isFirstOfMonth(day: number): boolean {
  return new Date(dayStartMs(day)).getUTCDate() === 1;
}

/** Start of the calendar month (UTC) before the one that starts on `day`. */
export function previousMonthStartMs(day: number): number {
  const d = new Date(dayStartMs(day));
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
}

/** Day of month (1-31) of a book day. */
export function dayOfMonth(day: number): number {
  return new Date(dayStartMs(day)).getUTCDate();
}
