// Where a lake file goes and what it is called: <table>/dt=YYYY-MM-DD/<topic>-<partition>-<first>-<last>.parquet.
// dt is the UTC day of the record's event_time; first/last are the offsets of the first and last
// record in the file. Files are cut from fixed chunks of offsets, so names depend only on the log.
import { tableOf } from '../../schemas/topics.ts';

const DAY_MS = 86_400_000;
let cachedDay = NaN;
let cachedDt = '';

/** The UTC day of a time, 'YYYY-MM-DD' (cached: consecutive records mostly share a day). */
export function dtOf(eventTimeMs: number): string {
  const day = Math.floor(eventTimeMs / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDt = new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  return cachedDt;
}

export function lakeFilePrefix(topic: string, dt: string, partition: number, firstOffset: number): string {
  return `${tableOf(topic)}/dt=${dt}/${topic}-${partition}-${firstOffset}-`;
}

export function lakeFileKey(topic: string, dt: string, partition: number, firstOffset: number, lastOffset: number): string {
  return `${lakeFilePrefix(topic, dt, partition, firstOffset)}${lastOffset}.parquet`;
}

export function chunkStart(offset: number, chunkOffsets: number): number {
  return Math.floor(offset / chunkOffsets) * chunkOffsets;
}
