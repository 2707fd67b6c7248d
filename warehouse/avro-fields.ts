// A flat description of a topic's Avro record: what the warehouse row converter and the Parquet
// schema both derive from, so neither keeps its own copy of the column list.
import { avroSchemaOf } from '../schemas/topics.ts';
import type { TopicName } from '../schemas/types.ts';

export type FieldKind = 'string' | 'enum' | 'int' | 'long' | 'double' | 'boolean' | 'timestamp' | 'array';

export interface FieldModel {
  name: string;
  kind: FieldKind;
  nullable: boolean;
  /** For kind 'array': the fields of its record items. */
  items?: FieldModel[];
}

export class UnsupportedAvroTypeError extends Error {
  constructor(field: string, type: unknown) {
    super(`Avro field '${field}' has a type the warehouse does not map: ${JSON.stringify(type)}`);
    this.name = 'UnsupportedAvroTypeError';
  }
}

type AvroType = string | AvroType[] | { type: AvroType; logicalType?: string; items?: AvroType; fields?: AvroField[] };
interface AvroField {
  name: string;
  type: AvroType;
}

export function fieldsOfRecord(fields: AvroField[]): FieldModel[] {
  return fields.map((f) => fieldModel(f.name, f.type));
}

function fieldModel(name: string, type: AvroType): FieldModel {
  if (Array.isArray(type)) {
    const branches = type.filter((t) => t !== 'null');
    if (branches.length !== 1) throw new UnsupportedAvroTypeError(name, type);
    return { ...fieldModel(name, branches[0]), nullable: branches.length < type.length };
  }
  if (typeof type === 'string') {
    const simple: Record<string, FieldKind> = { string: 'string', int: 'int', long: 'long', double: 'double', boolean: 'boolean' };
    if (!simple[type]) throw new UnsupportedAvroTypeError(name, type);
    return { name, kind: simple[type], nullable: false };
  }
  if (type.logicalType === 'timestamp-millis') return { name, kind: 'timestamp', nullable: false };
  if (type.type === 'enum') return { name, kind: 'enum', nullable: false };
  if (type.type === 'array') {
    const items = type.items;
    if (!items || typeof items !== 'object' || Array.isArray(items) || !items.fields) throw new UnsupportedAvroTypeError(name, type);
    return { name, kind: 'array', nullable: false, items: fieldsOfRecord(items.fields) };
  }
  return fieldModel(name, type.type);
}

const cache = new Map<TopicName, FieldModel[]>();

/** The fields of a topic's current Avro schema. */
export function fieldsOfTopic(topic: TopicName): FieldModel[] {
  let fields = cache.get(topic);
  if (!fields) {
    fields = fieldsOfRecord((avroSchemaOf(topic) as { fields: AvroField[] }).fields);
    cache.set(topic, fields);
  }
  return fields;
}
