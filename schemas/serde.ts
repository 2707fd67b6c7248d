// Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary body.
// Schemas are looked up once and cached, so encode/decode are synchronous on the hot path.
import avro from 'avsc';
import type { SchemaRegistryClient } from './registry/registry-client.ts';
import { avroSchemaOf, subjectOf } from './topics.ts';
import type { TopicName, TopicRecords } from './types.ts';

/** avsc declares its Resolver class without exporting it. */
type AvroResolver = ReturnType<avro.Type['createResolver']>;

const MAGIC = 0;
export const HEADER_BYTES = 5;

export class SerdeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerdeError';
  }
}

export function parseAvroType(schema: Record<string, unknown>): avro.Type {
  // wrapUnions false: a ["null", T] union reads and writes as plain `T | null`.
  return avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false });
}

export class AvroSerde {
  private readonly writerByTopic = new Map<string, { id: number; type: avro.Type }>();
  private readonly typeById = new Map<number, avro.Type>();
  private readonly resolverCache = new Map<string, AvroResolver>();
  /** Writer schemas being fetched by loadWriterOf, and the last failure per id. */
  private readonly loading = new Map<number, Promise<void>>();
  private readonly fetchFailures = new Map<number, string>();

  constructor(private readonly registry: SchemaRegistryClient) {}

  /** Registers (idempotently) the project's schema for each topic and caches it for encode(). */
  async prepare(topics: readonly TopicName[]): Promise<void> {
    for (const topic of topics) {
      if (this.writerByTopic.has(topic)) continue;
      const schema = avroSchemaOf(topic);
      const id = await this.registry.register(subjectOf(topic), schema);
      const type = parseAvroType(schema);
      this.writerByTopic.set(topic, { id, type });
      this.typeById.set(id, type);
    }
  }

  schemaIdOf(topic: TopicName): number {
    return this.writer(topic).id;
  }

  /** Encodes with the topic's current schema; prepare() must have run for the topic. */
  encode<T extends TopicName>(topic: T, record: TopicRecords[T]): Buffer {
    const { id, type } = this.writer(topic);
    for (;;) {
      // Written behind the header in a reused buffer, then copied out once: toBuffer() allocated
      // a zero-filled body that toWireFormat then copied behind the header.
      const end = type.encode(record, this.scratch, HEADER_BYTES);
      if (end >= 0) {
        const out = Buffer.allocUnsafe(end);
        this.scratch.copy(out, HEADER_BYTES, HEADER_BYTES, end);
        writeWireHeader(out, id);
        return out;
      }
      // A negative answer is how many bytes were missing.
      this.scratch = Buffer.allocUnsafe(Math.max(2 * this.scratch.length, this.scratch.length - end));
    }
  }

  /** Where encode() writes a record before copying out exactly its bytes; grows to the largest. */
  private scratch = Buffer.allocUnsafe(4096);

  /** Throws a SerdeError naming the problem when the bytes are not a valid record of a known schema. */
  decode<T extends TopicName>(topic: T, buf: Buffer | null): TopicRecords[T] {
    const id = schemaIdFromWire(buf);
    return this.decodeWith(topic, id, this.knownWriter(id), buf as Buffer);
  }

  /** Like decode, fetching an unknown writer schema from the registry first. */
  async decodeAsync<T extends TopicName>(topic: T, buf: Buffer | null): Promise<TopicRecords[T]> {
    const id = schemaIdFromWire(buf);
    if (!this.typeById.has(id)) await this.fetchWriter(id);
    return this.decode(topic, buf);
  }

  /**
   * For a synchronous decode() to come: undefined when the writer schema of `buf` is known (or the
   * bytes are not the wire format, which decode reports), else a promise that fetches it from the
   * registry (one fetch per id at a time). It never rejects: when the fetch fails, decode names
   * the unknown id with the registry's answer, and the record goes where undecodable ones go.
   */
  loadWriterOf(buf: Buffer | null): Promise<void> | undefined {
    if (buf === null || buf.length < HEADER_BYTES || buf[0] !== MAGIC) return undefined;
    const id = buf.readUInt32BE(1);
    if (this.typeById.has(id)) return undefined;
    let loading = this.loading.get(id);
    if (loading === undefined) {
      loading = this.fetchWriter(id)
        .then(() => void this.fetchFailures.delete(id))
        .catch((err: unknown) => void this.fetchFailures.set(id, err instanceof Error ? err.message : String(err)))
        .finally(() => this.loading.delete(id));
      this.loading.set(id, loading);
    }
    return loading;
  }

  private async fetchWriter(id: number): Promise<void> {
    this.typeById.set(id, parseAvroType(await this.registry.schemaById(id)));
  }

  private knownWriter(id: number): avro.Type {
    const writer = this.typeById.get(id);
    if (writer) return writer;
    const failure = this.fetchFailures.get(id);
    throw new SerdeError(
      failure === undefined
        ? `unknown schema id ${id}: call decodeAsync first`
        : `unknown schema id ${id}: the registry answered: ${failure}`,
    );
  }

  private decodeWith<T extends TopicName>(topic: T, id: number, writer: avro.Type, buf: Buffer): TopicRecords[T] {
    // A record written with another schema than the topic's current one is read with the current
    // one, resolving from the writer's (BACKWARD evolution).
    const current = this.writerByTopic.get(topic);
    if (!current || current.id === id) return decodeBody(topic, id, buf, writer) as TopicRecords[T];
    return decodeBody(topic, id, buf, current.type, this.resolver(topic, id, current.type, writer)) as TopicRecords[T];
  }

  /**
   * A decoder of only `fields` of the topic's records (the topic's current schema, narrowed). The
   * other fields are skipped in the bytes, never built: decoding a string allocates and copies, and
   * a topology that reads 6 of 13 fields decodes about twice as fast. Any writer schema the full
   * decode accepts is accepted.
   */
  fieldsDecoder<T extends TopicName, K extends keyof TopicRecords[T] & string>(
    topic: T,
    fields: readonly K[],
  ): (buf: Buffer | null) => Pick<TopicRecords[T], K> {
    const schema = avroSchemaOf(topic) as { fields: { name: string }[] };
    const unknown = fields.filter((f) => !schema.fields.some((s) => s.name === f));
    if (unknown.length > 0) throw new SerdeError(`${topic} records have no field ${unknown.join(', ')}`);
    const reader = parseAvroType({ ...schema, fields: schema.fields.filter((f) => (fields as readonly string[]).includes(f.name)) });
    const resolvers = new Map<number, AvroResolver>();
    return (buf) => {
      const id = schemaIdFromWire(buf);
      let resolver = resolvers.get(id);
      if (!resolver) {
        const writer = this.knownWriter(id);
        try {
          resolver = reader.createResolver(writer);
        } catch (err) {
          throw new SerdeError(
            `cannot read fields ${fields.join(', ')} of ${topic} records written with schema id ${id}: ${(err as Error).message}`,
          );
        }
        resolvers.set(id, resolver);
      }
      return decodeBody(topic, id, buf as Buffer, reader, resolver) as Pick<TopicRecords[T], K>;
    };
  }

  private resolver(topic: TopicName, id: number, reader: avro.Type, writer: avro.Type): AvroResolver {
    const cacheKey = `${topic}:${id}`;
    let resolver = this.resolverCache.get(cacheKey);
    if (!resolver) {
      resolver = reader.createResolver(writer);
      this.resolverCache.set(cacheKey, resolver);
    }
    return resolver;
  }

  private writer(topic: TopicName): { id: number; type: avro.Type } {
    const w = this.writerByTopic.get(topic);
    if (!w) throw new SerdeError(`no schema prepared for topic ${topic}`);
    return w;
  }
}

/** The Avro body after the wire header, all of it: a shorter or longer body is an error. */
function decodeBody(topic: TopicName, id: number, buf: Buffer, type: avro.Type, resolver?: AvroResolver): unknown {
  try {
    // decode at an offset rather than fromBuffer(subarray): no Buffer view per record.
    const decoded = type.decode(buf, HEADER_BYTES, resolver);
    if (decoded.offset !== buf.length) throw new Error(decoded.offset < 0 ? 'truncated buffer' : 'trailing data');
    return decoded.value;
  } catch (err) {
    throw new SerdeError(`cannot decode ${topic} record with schema id ${id}: ${(err as Error).message}`);
  }
}

/** An Avro body framed in the Confluent wire format: magic byte 0, the schema id, the body. */
export function toWireFormat(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  writeWireHeader(out, schemaId);
  body.copy(out, HEADER_BYTES);
  return out;
}

/** The wire format's first HEADER_BYTES, at `at`: the magic byte, then the schema id. */
export function writeWireHeader(out: Buffer, schemaId: number, at = 0): void {
  out[at] = MAGIC;
  out.writeUInt32BE(schemaId, at + 1);
}

export function schemaIdFromWire(buf: Buffer | null): number {
  if (!buf || buf.length < HEADER_BYTES) throw new SerdeError(`record too short for the Confluent wire format (${buf?.length ?? 0} bytes)`);
  if (buf.readUInt8(0) !== MAGIC) throw new SerdeError(`bad magic byte ${buf.readUInt8(0)} (expected 0: Confluent wire format)`);
  return buf.readUInt32BE(1);
}
