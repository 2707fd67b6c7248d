// Decoded Avro records → warehouse rows for JSONEachRow. Times become 'YYYY-MM-DD hh:mm:ss.fff'
// strings (read as UTC by a DateTime64(3, 'UTC') column): an integer would be read as milliseconds by
// chDB 26.7 but as seconds by newer ClickHouse servers (ClickHouse PR #108091), the text form means the
// same everywhere. Everything else passes through unchanged.
import type { TopicName } from '../schemas/types.ts';
import { fieldsOfTopic, type FieldModel } from './avro-fields.ts';
import type { WarehouseRow } from './warehouse.ts';

export type RowConverter = (record: object) => WarehouseRow;

const DAY_MS = 86_400_000;
let cachedDay = NaN;
let cachedDayText = '';

function pad(n: number, width: number): string {
  return n.toString().padStart(width, '0');
}

/** ClickHouse's DateTime64(3) text form of a UTC epoch-ms time: 'YYYY-MM-DD hh:mm:ss.fff'. */
export function formatDateTime64(ms: number): string {
  // Records come roughly in time order: the date part is cached, the time part is arithmetic.
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${cachedDayText} ${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(rest - sec * 1000, 3)}`;
}

function converterOf(fields: FieldModel[]): RowConverter {
  const times = fields.filter((f) => f.kind === 'timestamp').map((f) => f.name);
  const arrays = fields.filter((f) => f.kind === 'array').map((f) => ({ name: f.name, convert: converterOf(f.items ?? []) }));
  if (times.length === 0 && arrays.length === 0) return (record) => ({ ...(record as WarehouseRow) });
  return (record) => {
    const row: WarehouseRow = { ...(record as WarehouseRow) };
    for (const name of times) {
      const v = row[name];
      if (typeof v === 'number') row[name] = formatDateTime64(v);
    }
    for (const { name, convert } of arrays) {
      const v = row[name];
      if (Array.isArray(v)) row[name] = v.map((item: object) => convert(item));
    }
    return row;
  };
}

const converters = new Map<TopicName, RowConverter>();

/** The converter for a topic's records, derived from its Avro schema. */
export function warehouseRowConverter(topic: TopicName): RowConverter {
  let c = converters.get(topic);
  if (!c) {
    c = converterOf(fieldsOfTopic(topic));
    converters.set(topic, c);
  }
  return c;
}
