// The project's own schema registry store: Confluent's model (global schema ids, versions per subject,
// compatibility per subject or global) kept in one JSON file under a directory. Every change takes a
// cross-process lock (proper-lockfile) and replaces the file atomically, so several processes
// (a CLI, a worker, the registry server) can share one directory.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import lockfile from 'proper-lockfile';
import {
  type AvroSchemaJson,
  type CompatibilityLevel,
  compatibilityProblems,
  DEFAULT_COMPATIBILITY,
  type Incompatibility,
} from './compatibility.ts';
import { type RegisteredSchema, SchemaIncompatibleError, SchemaNotFoundError, type SchemaRegistryClient } from './registry-client.ts';
import { InvalidSchemaError, SubjectConfigNotFoundError, SubjectNotFoundError, VersionNotFoundError } from './registry-errors.ts';
import { threadId } from 'node:worker_threads';

interface VersionEntry {
  version: number;
  id: number;
  deleted?: boolean;
}

interface SubjectEntry {
  versions: VersionEntry[];
  compatibility?: CompatibilityLevel;
}

interface RegistryState {
  format: 1;
  nextId: number;
  /** Schema text by global id, exactly as first registered. */
  schemas: Record<string, string>;
  subjects: Record<string, SubjectEntry>;
  compatibility: CompatibilityLevel;
}

/** A registered version with its schema as text (what the REST API returns). */
export interface SchemaVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
}

const STATE_FILE = 'registry.json';

function emptyState(): RegistryState {
  return { format: 1, nextId: 1, schemas: {}, subjects: {}, compatibility: DEFAULT_COMPATIBILITY };
}

/** JSON with object keys sorted: two schemas are the same schema when these strings are equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Parses and validates an Avro schema given as text; throws InvalidSchemaError. */
export function parseSchemaText(text: string): AvroSchemaJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidSchemaError(`not JSON (${(err as Error).message})`);
  }
  try {
    avro.Type.forSchema(json as avro.Schema, { wrapUnions: false });
  } catch (err) {
    throw new InvalidSchemaError((err as Error).message);
  }
  return json as AvroSchemaJson;
}

function liveVersions(entry: SubjectEntry | undefined): VersionEntry[] {
  return (entry?.versions ?? []).filter((v) => !v.deleted);
}

/** The embedded backend's registry: the store in `<dataDir>/registry`. */
export function embeddedRegistry(dataDir: string): FileSchemaRegistry {
  return new FileSchemaRegistry(path.join(dataDir, 'registry'));
}

export class FileSchemaRegistry implements SchemaRegistryClient {
  private readonly stateFile: string;
  private readonly lockFile: string;
  /** Ids never change meaning, so their schemas are cached forever. */
  private readonly schemaCache = new Map<number, AvroSchemaJson>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.stateFile = path.join(dir, STATE_FILE);
    this.lockFile = path.join(dir, 'registry.lock');
  }

  // --- SchemaRegistryClient ---

  async register(subject: string, schema: Record<string, unknown>): Promise<number> {
    return (await this.registerVersion(subject, JSON.stringify(schema))).id;
  }

  async schemaById(id: number): Promise<Record<string, unknown>> {
    return (await this.schemaJsonById(id)) as Record<string, unknown>;
  }

  async latest(subject: string): Promise<RegisteredSchema | undefined> {
    const state = this.read();
    const last = liveVersions(state.subjects[subject]).at(-1);
    if (!last) return undefined;
    return { subject, version: last.version, id: last.id, schema: JSON.parse(state.schemas[last.id]) as Record<string, unknown> };
  }

  async subjects(): Promise<string[]> {
    const state = this.read();
    return Object.keys(state.subjects)
      .filter((s) => liveVersions(state.subjects[s]).length > 0)
      .sort();
  }

  // --- the rest of the Confluent model, used by the REST server ---

  /** Registers schema text under a subject; returns the existing version when this schema is already there. */
  async registerVersion(subject: string, schemaText: string): Promise<SchemaVersion> {
    const schema = parseSchemaText(schemaText);
    const canonical = canonicalJson(schema);
    const existing = this.findVersion(this.read(), subject, canonical);
    if (existing) return existing;
    return this.mutate((state) => {
      const again = this.findVersion(state, subject, canonical);
      if (again) return again;
      const entry = state.subjects[subject] ?? { versions: [] };
      const previous = liveVersions(entry).map((v) => JSON.parse(state.schemas[v.id]) as AvroSchemaJson);
      const [problem] = compatibilityProblems(schema, previous, entry.compatibility ?? state.compatibility);
      if (problem) throw new SchemaIncompatibleError(subject, problem.field, problem.reason);
      const id = this.idOf(state, canonical) ?? state.nextId++;
      state.schemas[id] = state.schemas[id] ?? schemaText;
      const version = (entry.versions.at(-1)?.version ?? 0) + 1;
      entry.versions.push({ version, id });
      state.subjects[subject] = entry;
      return { subject, version, id, schema: state.schemas[id] };
    });
  }

  async schemaJsonById(id: number): Promise<AvroSchemaJson> {
    const cached = this.schemaCache.get(id);
    if (cached !== undefined) return cached;
    const text = this.read().schemas[id];
    if (text === undefined) throw new SchemaNotFoundError(`id ${id}`);
    const schema = JSON.parse(text) as AvroSchemaJson;
    this.schemaCache.set(id, schema);
    return schema;
  }

  async schemaTextById(id: number): Promise<string> {
    const text = this.read().schemas[id];
    if (text === undefined) throw new SchemaNotFoundError(`id ${id}`);
    return text;
  }

  /** Live version numbers of a subject; throws SubjectNotFoundError. */
  async versions(subject: string): Promise<number[]> {
    const live = liveVersions(this.read().subjects[subject]);
    if (live.length === 0) throw new SubjectNotFoundError(subject);
    return live.map((v) => v.version);
  }

  /** One version ('latest' or -1 for the newest); throws SubjectNotFoundError / VersionNotFoundError. */
  async version(subject: string, version: number | 'latest'): Promise<SchemaVersion> {
    const state = this.read();
    const live = liveVersions(state.subjects[subject]);
    if (live.length === 0) throw new SubjectNotFoundError(subject);
    const entry = version === 'latest' || version === -1 ? live.at(-1) : live.find((v) => v.version === version);
    if (!entry) throw new VersionNotFoundError(subject, String(version));
    return { subject, version: entry.version, id: entry.id, schema: state.schemas[entry.id] };
  }

  /** The version of a subject holding this schema; throws SubjectNotFoundError or SchemaNotFoundError. */
  async lookup(subject: string, schemaText: string): Promise<SchemaVersion> {
    const state = this.read();
    if (liveVersions(state.subjects[subject]).length === 0) throw new SubjectNotFoundError(subject);
    const found = this.findVersion(state, subject, canonicalJson(parseSchemaText(schemaText)));
    if (!found) throw new SchemaNotFoundError(`no version of subject '${subject}' holds this schema`);
    return found;
  }

  /** Why schemaText could not be registered after `version` ('all' = every live version), under the subject's level. */
  async compatibilityWith(subject: string, schemaText: string, version: number | 'latest' | 'all'): Promise<Incompatibility[]> {
    const schema = parseSchemaText(schemaText);
    const state = this.read();
    const entry = state.subjects[subject];
    const live = liveVersions(entry);
    if (live.length === 0) throw new SubjectNotFoundError(subject);
    let against: VersionEntry[];
    if (version === 'all') against = live;
    else {
      const one = version === 'latest' || version === -1 ? live.at(-1) : live.find((v) => v.version === version);
      if (!one) throw new VersionNotFoundError(subject, String(version));
      against = [one];
    }
    const level = entry?.compatibility ?? state.compatibility;
    return compatibilityProblems(
      schema,
      against.map((v) => JSON.parse(state.schemas[v.id]) as AvroSchemaJson),
      // A single version is checked as such; transitive levels only matter for 'all'.
      version === 'all' ? level : (level.replace('_TRANSITIVE', '') as CompatibilityLevel),
    );
  }

  globalCompatibility(): CompatibilityLevel {
    return this.read().compatibility;
  }

  async setGlobalCompatibility(level: CompatibilityLevel): Promise<void> {
    await this.mutate((state) => {
      state.compatibility = level;
    });
  }

  /** The subject's own level; with defaultToGlobal, the global level when it has none. */
  subjectCompatibility(subject: string, defaultToGlobal = false): CompatibilityLevel {
    const state = this.read();
    const own = state.subjects[subject]?.compatibility;
    if (own) return own;
    if (defaultToGlobal) return state.compatibility;
    throw new SubjectConfigNotFoundError(subject);
  }

  async setSubjectCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.mutate((state) => {
      const entry = state.subjects[subject] ?? { versions: [] };
      entry.compatibility = level;
      state.subjects[subject] = entry;
    });
  }

  /** Deletes a subject's versions (soft: hidden, numbering continues; permanent: forgotten). Returns them. */
  async deleteSubject(subject: string, permanent = false): Promise<number[]> {
    return this.mutate((state) => {
      const entry = state.subjects[subject];
      if (!entry || entry.versions.length === 0) throw new SubjectNotFoundError(subject);
      const live = liveVersions(entry);
      if (permanent) {
        const all = entry.versions.map((v) => v.version);
        delete state.subjects[subject];
        return all;
      }
      if (live.length === 0) throw new SubjectNotFoundError(subject);
      for (const v of live) v.deleted = true;
      return live.map((v) => v.version);
    });
  }

  // --- storage ---

  private findVersion(state: RegistryState, subject: string, canonical: string): SchemaVersion | undefined {
    for (const v of liveVersions(state.subjects[subject])) {
      const text = state.schemas[v.id];
      if (canonicalJson(JSON.parse(text)) === canonical) return { subject, version: v.version, id: v.id, schema: text };
    }
    return undefined;
  }

  private idOf(state: RegistryState, canonical: string): number | undefined {
    for (const [id, text] of Object.entries(state.schemas)) {
      if (canonicalJson(JSON.parse(text)) === canonical) return Number(id);
    }
    return undefined;
  }

  private read(): RegistryState {
    if (!existsSync(this.stateFile)) return emptyState();
    return JSON.parse(readFileSync(this.stateFile, 'utf8')) as RegistryState;
  }

  private async mutate<T>(change: (state: RegistryState) => T): Promise<T> {
    if (!existsSync(this.lockFile)) writeFileSync(this.lockFile, '');
    const release = await lockfile.lock(this.lockFile, {
      retries: { retries: 100, minTimeout: 20, maxTimeout: 200 },
      stale: 10_000,
    });
    try {
      const state = this.read();
      const result = change(state);
      const tmp = `${this.stateFile}.${process.pid}.${threadId}.tmp`;
      writeFileSync(tmp, JSON.stringify(state, null, 2));
      renameSync(tmp, this.stateFile);
      return result;
    } finally {
      await release();
    }
  }
}
