// A schema registry server speaking the subset of Confluent's REST API that clients use
// (@kafkajs/confluent-schema-registry, ClickHouse's AvroConfluent format, the Confluent serdes),
// over a FileSchemaRegistry directory. Errors are Confluent bodies: {error_code, message}.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CompatibilityLevel, isCompatibilityLevel } from './compatibility.ts';
import { FileSchemaRegistry, type SchemaVersion } from './file-registry.ts';
import { SchemaRegistryError } from './registry-client.ts';
import { confluentErrorCode, InvalidRequestError, InvalidSchemaError } from './registry-errors.ts';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface RegistryServer {
  url: string;
  port: number;
  registry: FileSchemaRegistry;
  close(): Promise<void>;
}

export class RegistryServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryServerError';
  }
}

class RouteNotFound extends SchemaRegistryError {
  constructor(method: string, url: string) {
    super(`no route for ${method} ${url}`);
  }
}

type Json = unknown;

interface Request {
  method: string;
  parts: string[];
  query: URLSearchParams;
  body: () => Promise<Record<string, unknown>>;
}

function parseVersion(subject: string, raw: string): number | 'latest' {
  if (raw === 'latest') return 'latest';
  const n = Number(raw);
  if (!Number.isInteger(n) || n === 0 || n < -1 || n > 2 ** 31 - 1) {
    throw new InvalidRequestError(42202, `version '${raw}' of subject '${subject}' is not a valid version (1..2^31-1, -1 or latest)`);
  }
  return n;
}

function schemaTextOf(body: Record<string, unknown>): string {
  if (body.schemaType !== undefined && body.schemaType !== 'AVRO') {
    throw new InvalidSchemaError(`schemaType ${String(body.schemaType)} is not supported (AVRO only)`);
  }
  if (Array.isArray(body.references) && body.references.length > 0) {
    throw new InvalidSchemaError('schema references are not supported');
  }
  if (typeof body.schema !== 'string') throw new InvalidSchemaError("request body needs a 'schema' string");
  return body.schema;
}

function compatibilityOf(body: Record<string, unknown>): CompatibilityLevel {
  const level = typeof body.compatibility === 'string' ? body.compatibility.toUpperCase() : body.compatibility;
  if (!isCompatibilityLevel(level))
    throw new InvalidRequestError(42203, `invalid compatibility level ${JSON.stringify(body.compatibility)}`);
  return level;
}

function versionBody(v: SchemaVersion): Json {
  return { subject: v.subject, version: v.version, id: v.id, schema: v.schema };
}

/** Answers one request; throws registry errors that the caller turns into Confluent error bodies. */
async function route(registry: FileSchemaRegistry, req: Request): Promise<Json> {
  const { method, parts, query } = req;
  const [head, subject, third, fourth, fifth, sixth] = parts;

  if (head === '' || head === undefined) return {};
  if (head === 'subjects') {
    if (parts.length === 1 && method === 'GET') return registry.subjects();
    if (parts.length === 2 && method === 'POST') return versionBody(await registry.lookup(subject, schemaTextOf(await req.body())));
    if (parts.length === 2 && method === 'DELETE') return registry.deleteSubject(subject, query.get('permanent') === 'true');
    if (third === 'versions') {
      if (parts.length === 3 && method === 'GET') return registry.versions(subject);
      if (parts.length === 3 && method === 'POST') {
        const registered = await registry.registerVersion(subject, schemaTextOf(await req.body()));
        return { id: registered.id };
      }
      if (parts.length === 4 && method === 'GET') return versionBody(await registry.version(subject, parseVersion(subject, fourth)));
      if (parts.length === 5 && fifth === 'schema' && method === 'GET') {
        return JSON.parse((await registry.version(subject, parseVersion(subject, fourth))).schema) as Json;
      }
    }
  }
  if (head === 'schemas' && subject === 'ids' && third !== undefined && method === 'GET') {
    const id = Number(third);
    if (!Number.isInteger(id)) throw new InvalidRequestError(42201, `schema id '${third}' is not an integer`);
    if (parts.length === 3) return { schema: await registry.schemaTextById(id) };
    if (parts.length === 4 && fourth === 'schema') return registry.schemaJsonById(id);
  }
  if (head === 'config') {
    if (parts.length === 1 && method === 'GET') return { compatibilityLevel: registry.globalCompatibility() };
    if (parts.length === 1 && method === 'PUT') {
      const level = compatibilityOf(await req.body());
      await registry.setGlobalCompatibility(level);
      return { compatibility: level };
    }
    if (parts.length === 2 && method === 'GET') {
      return { compatibilityLevel: registry.subjectCompatibility(subject, query.get('defaultToGlobal') === 'true') };
    }
    if (parts.length === 2 && method === 'PUT') {
      const level = compatibilityOf(await req.body());
      await registry.setSubjectCompatibility(subject, level);
      return { compatibility: level };
    }
  }
  if (head === 'compatibility' && subject === 'subjects' && fourth === 'versions' && parts.length === 6 && method === 'POST') {
    const target = third;
    const version = sixth === 'all' ? 'all' : parseVersion(target, sixth);
    const problems = await registry.compatibilityWith(target, schemaTextOf(await req.body()), version);
    const result: Record<string, Json> = { is_compatible: problems.length === 0 };
    if (query.get('verbose') === 'true') result.messages = problems.map((p) => `field '${p.field}' ${p.reason}`);
    return result;
  }
  if (head === 'compatibility' && subject === 'subjects' && fourth === 'versions' && parts.length === 5 && method === 'POST') {
    const problems = await registry.compatibilityWith(third, schemaTextOf(await req.body()), 'all');
    return { is_compatible: problems.length === 0 };
  }
  throw new RouteNotFound(method, `/${parts.join('/')}`);
}

function readBody(req: http.IncomingMessage): () => Promise<Record<string, unknown>> {
  return async () => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new InvalidRequestError(42201, `request body larger than ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      const parsed = JSON.parse(text || '{}') as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      return parsed as Record<string, unknown>;
    } catch (err) {
      throw new InvalidRequestError(42201, `request body is not a JSON object: ${(err as Error).message}`);
    }
  };
}

function send(res: http.ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createRegistryHandler(registry: FileSchemaRegistry): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://registry');
    const parts = url.pathname
      .split('/')
      .filter((p, i) => i > 0 && p !== '')
      .map(decodeURIComponent);
    route(registry, { method: req.method ?? 'GET', parts, query: url.searchParams, body: readBody(req) }).then(
      (body) => send(res, 200, body),
      (err: unknown) => {
        if (err instanceof RouteNotFound) return send(res, 404, { error_code: 404, message: err.message });
        const { status, errorCode } = confluentErrorCode(err);
        send(res, status, { error_code: errorCode, message: (err as Error).message });
      },
    );
  };
}

/** Serves the registry stored in directory `dir` on host:port (port 0 = any free port). */
export async function startRegistryServer(opts: { dir: string; port?: number; host?: string }): Promise<RegistryServer> {
  const registry = new FileSchemaRegistry(opts.dir);
  const server = http.createServer(createRegistryHandler(registry));
  server.keepAliveTimeout = 5000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new RegistryServerError(
          err.code === 'EADDRINUSE'
            ? `schema registry: port ${opts.port} on ${host} is already in use`
            : `schema registry: cannot listen on ${host}:${opts.port ?? 0}: ${err.message}`,
        ),
      ),
    );
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    registry,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
