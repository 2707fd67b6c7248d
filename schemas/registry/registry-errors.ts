// Registry errors beyond those every client shares (registry-client.ts), each with its Confluent REST error code.
import { SchemaIncompatibleError, SchemaNotFoundError, SchemaRegistryError } from './registry-client.ts';

export class SubjectNotFoundError extends SchemaRegistryError {
  constructor(readonly subject: string) {
    super(`subject '${subject}' not found`);
    this.name = 'SubjectNotFoundError';
  }
}

export class VersionNotFoundError extends SchemaRegistryError {
  constructor(
    readonly subject: string,
    readonly version: string,
  ) {
    super(`version ${version} of subject '${subject}' not found`);
    this.name = 'VersionNotFoundError';
  }
}

export class InvalidSchemaError extends SchemaRegistryError {
  constructor(reason: string) {
    super(`invalid Avro schema: ${reason}`);
    this.name = 'InvalidSchemaError';
  }
}

export class InvalidRequestError extends SchemaRegistryError {
  constructor(
    readonly errorCode: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'InvalidRequestError';
  }
}

export class SubjectConfigNotFoundError extends SchemaRegistryError {
  constructor(readonly subject: string) {
    super(`subject '${subject}' does not have subject-level compatibility configured`);
    this.name = 'SubjectConfigNotFoundError';
  }
}

/** The HTTP status and Confluent error_code for a registry error (500/50001 for anything else). */
export function confluentErrorCode(err: unknown): { status: number; errorCode: number } {
  if (err instanceof SubjectNotFoundError) return { status: 404, errorCode: 40401 };
  if (err instanceof VersionNotFoundError) return { status: 404, errorCode: 40402 };
  if (err instanceof SchemaNotFoundError) return { status: 404, errorCode: 40403 };
  if (err instanceof SubjectConfigNotFoundError) return { status: 404, errorCode: 40408 };
  if (err instanceof SchemaIncompatibleError) return { status: 409, errorCode: 409 };
  if (err instanceof InvalidSchemaError) return { status: 422, errorCode: 42201 };
  if (err instanceof InvalidRequestError) return { status: 422, errorCode: err.errorCode };
  return { status: 500, errorCode: 50001 };
}
