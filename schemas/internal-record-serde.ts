// A Serde over a plain Avro schema, without the Confluent header or a registry: for a pipeline's
// internal records (repartition topics, store changelogs) that only the pipeline itself reads.
import { SerdeDecodeError, type Serde } from '../engine/index.ts';
import { parseAvroType } from './serde.ts';

export function internalRecordSerde<T>(schema: Record<string, unknown>, what: string): Serde<T> {
  const type = parseAvroType(schema);
  return {
    serialize: (value) => type.toBuffer(value),
    deserialize: (buf) => {
      if (buf === null) throw new SerdeDecodeError(`${what}: no value`);
      try {
        return type.fromBuffer(buf) as T;
      } catch (err) {
        throw new SerdeDecodeError(`${what}: not a ${type.name ?? 'record'} (${(err as Error).message})`);
      }
    },
  };
}
