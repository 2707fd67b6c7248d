// How the file connector reads a time field: an epoch number (milliseconds, or seconds when the user
// says so: `--time-unit s`) or an ISO-8601 string whose every part is checked (no 2024-02-30, no
// 25:00), then held to the event-time bounds: no time before the floor (epoch seconds read as
// milliseconds land in 1970), no event_time further ahead of the wall clock than the allowed skew.
import { describeSkew, describeTime, type EventTimeBounds } from '../../../engine/index.ts';
import { LineError, show } from './line-error.ts';

export type TimeUnit = 'ms' | 's';
export const TIME_UNITS: readonly TimeUnit[] = ['ms', 's'];

export interface TimeRules {
  unit: TimeUnit;
  bounds: EventTimeBounds;
  /** Wall-clock time the event_time ceiling is measured from; the reader refreshes it per batch. */
  now: number;
}

/** The field whose time may not run ahead of the wall clock (due dates and the like may). */
const EVENT_TIME_FIELD = 'event_time';

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
// ISO-8601 date or date-time: 2024-03-07, 2024-03-07T10:15, 2024-03-07 10:15:30.123Z, ...+01:00
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Epoch ms of an ISO-8601 string (UTC when it carries no offset), or why it is not a time. */
export function readIsoTime(text: string): number | { problem: string } {
  const m = ISO_8601.exec(text.trim());
  if (!m) return { problem: 'not an ISO-8601 time' };
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month < 1 || month > 12) return { problem: `month ${mo} does not exist` };
  if (day < 1 || day > daysIn(year, month)) return { problem: `${y}-${mo} has no day ${d}` };
  if (hour > 23) return { problem: `hour ${h} does not exist` };
  if (minute > 59) return { problem: `minute ${mi} does not exist` };
  if (second > 59) return { problem: `second ${s} does not exist` };
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    if (oh > 23 || om > 59) return { problem: `UTC offset ${zone} does not exist` };
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Date.UTC reads years 0-99 as 1900-1999: set the full year separately. Fractions beyond
  // milliseconds are cut.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3).padEnd(3, '0')));
  return date.getTime() - offsetMinutes * 60_000;
}

/** Epoch ms of an ISO-8601 string, UTC when it carries no offset; NaN when it is not a valid one. */
export function parseIsoTime(text: string): number {
  const ms = readIsoTime(text);
  return typeof ms === 'number' ? ms : Number.NaN;
}

/**
 * Converts the value of a time field at `path` to epoch ms and checks it against the bounds.
 * A value that is no time at all (a boolean, a fraction of a millisecond) is returned as it is, for
 * the Avro check to name.
 */
export function coerceTime(value: unknown, path: string, rules: TimeRules): unknown {
  let ms: number;
  let epochNumber = true;
  if (typeof value === 'number') ms = fromEpochNumber(value, rules.unit);
  else if (typeof value === 'string') {
    const text = value.trim();
    if (INTEGER.test(text) || (rules.unit === 's' && DECIMAL.test(text))) ms = fromEpochNumber(Number(text), rules.unit);
    else {
      const iso = readIsoTime(text);
      if (typeof iso !== 'number') {
        const unit = rules.unit === 's' ? 'seconds' : 'milliseconds';
        const why =
          iso.problem === 'not an ISO-8601 time' ? `is neither epoch ${unit} nor an ISO-8601 time` : `is not a valid time: ${iso.problem}`;
        throw new LineError('invalid field', path, `invalid field ${path}: ${show(value)} ${why}`);
      }
      ms = iso;
      epochNumber = false;
    }
  } else return value;
  if (!Number.isInteger(ms)) return ms;
  const { minEventTime, maxEventTimeSkewMs } = rules.bounds;
  if (ms < minEventTime) {
    let hint = '';
    // Epoch seconds read as milliseconds: say what they would be as seconds when that fits.
    if (epochNumber && rules.unit === 'ms' && ms * 1000 >= minEventTime && ms * 1000 <= rules.now + maxEventTimeSkewMs) {
      hint = `; as epoch seconds it would be ${describeTime(ms * 1000)}: use --time-unit s`;
    }
    throw new LineError(
      'invalid field',
      path,
      `invalid field ${path}: ${show(value)} is ${describeTime(ms)}, before ${describeTime(minEventTime)}, the earliest accepted time${hint}`,
    );
  }
  if (path === EVENT_TIME_FIELD && ms > rules.now + maxEventTimeSkewMs) {
    throw new LineError(
      'invalid field',
      path,
      `invalid field ${path}: ${show(value)} is ${describeTime(ms)}, more than ${describeSkew(maxEventTimeSkewMs)} ahead of the wall clock (${describeTime(rules.now)})`,
    );
  }
  return ms;
}

function fromEpochNumber(n: number, unit: TimeUnit): number {
  return unit === 's' ? Math.round(n * 1000) : n;
}
