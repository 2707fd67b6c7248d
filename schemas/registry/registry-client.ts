// What the serde needs from a schema registry. Implemented over the Confluent REST API
// (@kafkajs/confluent-schema-registry) and by the project's own file-backed registry.

export interface RegisteredSchema {
  id: number;
  version: number;
  subject: string;
  /** The Avro schema as a JSON object. */
  schema: Record<string, unknown>;
}

export interface SchemaRegistryClient {
  /** Registers a schema under a subject (BACKWARD compatibility checked); returns its global id. Idempotent. */
  register(subject: string, schema: Record<string, unknown>): Promise<number>;
  /** The schema with a global id; throws SchemaNotFoundError when unknown. */
  schemaById(id: number): Promise<Record<string, unknown>>;
  latest(subject: string): Promise<RegisteredSchema | undefined>;
  subjects(): Promise<string[]>;
}

export class SchemaRegistryError extends Error {
  constructor(
    message: string,
    readonly retriable = false,
  ) {
    super(message);
    this.name = 'SchemaRegistryError';
  }
}

export class SchemaIncompatibleError extends SchemaRegistryError {
  constructor(
    readonly subject: string,
    readonly field: string,
    reason: string,
  ) {
    super(`schema for ${subject} is not BACKWARD compatible: field '${field}' ${reason}`);
    this.name = 'SchemaIncompatibleError';
  }
}

export class SchemaNotFoundError extends SchemaRegistryError {
  constructor(what: string) {
    super(`schema not found: ${what}`);
    this.name = 'SchemaNotFoundError';
  }
}
