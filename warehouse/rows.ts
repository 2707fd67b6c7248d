// Decoded Avro records → warehouse rows for JSONEachRow. Times become 'YYYY-MM-DD hh:mm:ss.fff'
// strings (read as UTC by a DateTime64(3, 'UTC') column): an integer would be read as milliseconds by
// chDB 26.7 but as seconds by newer ClickHouse servers (ClickHouse PR #108091), the text form means the
// same everywhere. Everything else passes through unchanged.
import type { TopicName } from '../schemas/types.ts';
import { fieldsOfTopic, type FieldModel } from './avro-fields.ts';
import type { WarehouseRow } from './warehouse.ts';

export type RowConverter = (record: object) => WarehouseRow;

/** ClickHouse's DateTime64(3) text form of a UTC epoch-ms time. */
export function formatDateTime64(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
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
