// The event times a stream task accepts. One record dated far ahead would move its task's stream
// time past every open window, and every later record of the partition would be late; a time
// before the floor is nearly always epoch seconds read as milliseconds. A record outside the bounds
// goes to `<topic>.dlq` with the reason instead, and stream time does not move.

export interface EventTimeBounds {
  /** Earliest accepted event time, epoch ms. */
  minEventTime: number;
  /** How far ahead of the wall clock an event time may be, ms. */
  maxEventTimeSkewMs: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_EVENT_TIME_BOUNDS: Readonly<EventTimeBounds> = Object.freeze({
  minEventTime: Date.UTC(2000, 0, 1),
  maxEventTimeSkewMs: DAY_MS,
});

export class EventTimeOutOfRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventTimeOutOfRangeError';
  }
}

/** ISO-8601 for any epoch ms a Date can hold, the number itself otherwise. */
export function describeTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** A skew for messages: '1 day', '6 h', '90000 ms'. */
export function describeSkew(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms} ms`;
}

/**
 * Why `time` (epoch ms) is outside the bounds at wall-clock time `now`, or undefined when it is
 * inside. Callers on a hot path compare against minEventTime and now + maxEventTimeSkewMs
 * themselves and only call this for the message.
 */
export function eventTimeOutOfRange(time: number, bounds: EventTimeBounds, now: number): string | undefined {
  if (Number.isNaN(time)) return 'event time is not a number';
  if (time < bounds.minEventTime)
    return `event time ${describeTime(time)} is before ${describeTime(bounds.minEventTime)}, the earliest accepted`;
  if (time > now + bounds.maxEventTimeSkewMs) {
    return `event time ${describeTime(time)} is more than ${describeSkew(bounds.maxEventTimeSkewMs)} ahead of the wall clock (${describeTime(now)})`;
  }
  return undefined;
}
