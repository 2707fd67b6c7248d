// SchemaRegistryClient over a Confluent-compatible REST registry (Confluent Schema Registry, our own
// server.ts, Apicurio's ccompat API), through @kafkajs/confluent-schema-registry. Used in kafka mode.
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { type AvroSchemaJson, findIncompatibility } from './compatibility.ts';
import {
  type RegisteredSchema,
  SchemaIncompatibleError,
  SchemaNotFoundError,
  SchemaRegistryError,
  type SchemaRegistryClient,
} from './registry-client.ts';

export interface ConfluentRegistryOptions {
  url: string;
  username?: string;
  password?: string;
  /** Retries of a failed request inside the client library (default 2: fail fast when unreachable). */
  retries?: number;
}

export class SchemaRegistryUnreachableError extends SchemaRegistryError {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`schema registry at ${url} is unreachable: ${reason}`, true);
    this.name = 'SchemaRegistryUnreachableError';
  }
}

// The library's REST resources (mappersmith), which it keeps private: raw schema text and subject listings
// are only available there.
interface ApiResponse {
  data(): unknown;
}
interface RegistryApi {
  Schema: { find(args: { id: number }): Promise<ApiResponse> };
  Subject: {
    all(): Promise<ApiResponse>;
    latestVersion(args: { subject: string }): Promise<ApiResponse>;
  };
}

/** What the library throws for an HTTP error answer (its ResponseError). */
function httpStatusOf(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'status' in err && typeof (err as { status: unknown }).status === 'number') {
    return (err as { status: number }).status;
  }
  return undefined;
}

function networkReason(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/.test(code)) {
      return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  const message = err instanceof Error ? err.message : String(err);
  const match = /(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket hang up|Timeout)/i.exec(message);
  return match?.[1];
}

/** The field a registry's 409 message names: ours ("field 'x' ..."), Confluent's ("The field 'x' at path ..."). */
export function fieldNamedIn(message: string): string | undefined {
  return /field '([^']+)'/i.exec(message)?.[1] ?? /"?fieldName"?\s*[:=]\s*'?"?([A-Za-z_][\w.]*)/.exec(message)?.[1];
}

export class ConfluentRegistryClient implements SchemaRegistryClient {
  private readonly registry: SchemaRegistry;
  private readonly api: RegistryApi;
  private readonly byId = new Map<number, Record<string, unknown>>();

  constructor(private readonly opts: ConfluentRegistryOptions) {
    const auth = opts.username !== undefined ? { username: opts.username, password: opts.password ?? '' } : undefined;
    this.registry = new SchemaRegistry({
      host: opts.url.replace(/\/+$/, ''),
      auth,
      clientId: 'riskstream',
      retry: { retries: opts.retries ?? 2, maxRetryTimeInSecs: 2 },
    });
    this.api = (this.registry as unknown as { api: RegistryApi }).api;
  }

  get url(): string {
    return this.opts.url;
  }

  async register(subject: string, schema: Record<string, unknown>): Promise<number> {
    try {
      const { id } = await this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
      this.byId.set(id, schema);
      return id;
    } catch (err) {
      if (httpStatusOf(err) === 409) throw await this.incompatible(subject, schema, err as Error);
      throw this.translate(err, `registering ${subject}`);
    }
  }

  async schemaById(id: number): Promise<Record<string, unknown>> {
    const cached = this.byId.get(id);
    if (cached) return cached;
    try {
      const body = (await this.api.Schema.find({ id })).data() as { schema: string };
      const schema = JSON.parse(body.schema) as Record<string, unknown>;
      this.byId.set(id, schema);
      return schema;
    } catch (err) {
      if (httpStatusOf(err) === 404) throw new SchemaNotFoundError(`id ${id} at ${this.opts.url}`);
      throw this.translate(err, `fetching schema id ${id}`);
    }
  }

  async latest(subject: string): Promise<RegisteredSchema | undefined> {
    try {
      const body = (await this.api.Subject.latestVersion({ subject })).data() as { id: number; version: number; schema: string };
      return { subject, id: body.id, version: body.version, schema: JSON.parse(body.schema) as Record<string, unknown> };
    } catch (err) {
      if (httpStatusOf(err) === 404) return undefined;
      throw this.translate(err, `reading the latest version of ${subject}`);
    }
  }

  async subjects(): Promise<string[]> {
    try {
      return ((await this.api.Subject.all()).data() as string[]).slice().sort();
    } catch (err) {
      throw this.translate(err, 'listing subjects');
    }
  }

  /** A 409 names the offending field: found by our own check against the latest version, else from the message. */
  private async incompatible(subject: string, schema: Record<string, unknown>, err: Error): Promise<SchemaIncompatibleError> {
    const current = await this.latest(subject).catch(() => undefined);
    const problem = current ? findIncompatibility(schema as AvroSchemaJson, current.schema as AvroSchemaJson, 'backward') : undefined;
    if (problem) return new SchemaIncompatibleError(subject, problem.field, problem.reason);
    const message = err.message.replace(/^riskstream - /, '');
    return new SchemaIncompatibleError(subject, fieldNamedIn(message) ?? '<unknown>', `was refused by the registry: ${message}`);
  }

  private translate(err: unknown, doing: string): SchemaRegistryError {
    if (err instanceof SchemaRegistryError) return err;
    const status = httpStatusOf(err);
    const message = err instanceof Error ? err.message.replace(/^riskstream - /, '') : String(err);
    const network = networkReason(err);
    if (network || status === undefined) return new SchemaRegistryUnreachableError(this.opts.url, network ?? message);
    if (status === 401 || status === 403) {
      return new SchemaRegistryError(`schema registry at ${this.opts.url} refused the credentials (HTTP ${status}) while ${doing}`);
    }
    return new SchemaRegistryError(`schema registry at ${this.opts.url} failed ${doing}: HTTP ${status}: ${message}`, status >= 500);
  }
}
