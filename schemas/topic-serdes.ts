// Serdes of the project's Avro topics (Confluent wire format) for the engine's Serde interface.
import type avsc from 'avsc';
import type { Serde } from '../engine/index.ts';
import { AvroSlabWriter } from './avro-slab-writer.ts';
import { parseAvroType, type AvroSerde } from './serde.ts';
import { avroSchemaOf } from './topics.ts';
import type { TopicName, TopicRecords } from './types.ts';

/**
 * The Avro value serde of one project topic; prepare() registers its schema. Encoding goes through
 * a slab writer (same bytes as AvroSerde.encode, without an allocation and copy per record).
 */
export function avroSerde<T extends TopicName>(avro: AvroSerde, topic: T): Serde<TopicRecords[T]> {
  let writer: { id: number; type: avsc.Type; slab: AvroSlabWriter } | undefined;
  return {
    serialize: (v) => (writer ? writer.slab.write(writer.id, writer.type, v) : avro.encode(topic, v)),
    deserialize: (b) => avro.decode(topic, b),
    preload: (b) => avro.loadWriterOf(b),
    prepare: async () => {
      await avro.prepare([topic]);
      writer = { id: avro.schemaIdOf(topic), type: parseAvroType(avroSchemaOf(topic)), slab: new AvroSlabWriter() };
    },
  };
}

/**
 * Reads only `fields` of a project topic's Avro records (AvroSerde.fieldsDecoder): for sources a
 * topology reads a few fields of. It cannot write: a narrowed record is not a record of the topic.
 */
export function avroFieldsSerde<T extends TopicName, K extends keyof TopicRecords[T] & string>(
  avro: AvroSerde,
  topic: T,
  fields: readonly K[],
): Serde<Pick<TopicRecords[T], K>> {
  const decode = avro.fieldsDecoder(topic, fields);
  return {
    serialize: () => {
      throw new Error(
        `the ${topic} serde reading only ${fields.join(', ')} cannot write records: use avroSerde(avro, '${topic}') to write`,
      );
    },
    deserialize: decode,
    preload: (b) => avro.loadWriterOf(b),
    prepare: () => avro.prepare([topic]),
  };
}
