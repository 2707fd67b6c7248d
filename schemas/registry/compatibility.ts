// Schema evolution rules of the Confluent registry (BACKWARD by default), with errors that name the field.
// A reader schema can read data of a writer schema when, by the Avro resolution rules, every reader field
// is in the writer (with a type the reader can promote from) or has a default, enums keep the writer's
// symbols, and union branches match. avsc's createResolver is consulted as the final word.
import avro from 'avsc';
import { SchemaIncompatibleError } from './registry-client.ts';

export type CompatibilityLevel =
  'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** An Avro schema as parsed JSON: a record/enum/... object, a union array, or a primitive type name. */
export type AvroSchemaJson = Record<string, unknown> | unknown[] | string;

/** One reason a schema pair is incompatible: the dotted path of the field and what happened to it. */
export interface Incompatibility {
  field: string;
  reason: string;
}

// The parts of avsc's parsed types this module reads (avsc's typings leave them out).
interface AvscField {
  name: string;
  type: AvscType;
  aliases: string[];
  defaultValue(): unknown;
}
interface AvscType {
  typeName: string;
  name?: string;
  aliases?: string[];
  fields?: AvscField[];
  symbols?: string[];
  default?: string;
  itemsType?: AvscType;
  valuesType?: AvscType;
  types?: AvscType[];
  size?: number;
  underlyingType?: AvscType;
}

function parse(schema: AvroSchemaJson): AvscType {
  return avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false }) as unknown as AvscType;
}

// Which writer primitives a reader primitive accepts (Avro spec, "Schema Resolution").
const PROMOTIONS: Record<string, readonly string[]> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  string: ['bytes'],
  bytes: ['string'],
};

function base(type: AvscType): AvscType {
  return type.underlyingType ?? type;
}

function isUnion(type: AvscType): boolean {
  return type.typeName.startsWith('union');
}

/** A short human name for a type, as used in messages: long, string, null|long, record riskstream.v1.Line. */
export function describeType(type: AvscType): string {
  const t = base(type);
  if (isUnion(t)) return (t.types ?? []).map(describeType).join('|');
  if (t.typeName === 'array') return `array<${describeType(t.itemsType as AvscType)}>`;
  if (t.typeName === 'map') return `map<${describeType(t.valuesType as AvscType)}>`;
  if (t.name) return `${t.typeName} ${t.name}`;
  return t.typeName;
}

function sameName(reader: AvscType, writer: AvscType): boolean {
  if (!reader.name || !writer.name) return true;
  const short = (n: string): string => n.slice(n.lastIndexOf('.') + 1);
  const names = [reader.name, ...(reader.aliases ?? [])];
  return names.includes(writer.name) || names.map(short).includes(short(writer.name));
}

// A branch-level type mismatch reads better as a change of the whole (union) type.
function wholeTypeChange(problem: Incompatibility, path: string): boolean {
  if (problem.field !== path) return false;
  return problem.reason.startsWith('changed type') || problem.reason.startsWith('has no union branch');
}

/** Whether `reader` can read every value written with `writer`; the first reason it cannot, otherwise undefined. */
function check(reader: AvscType, writer: AvscType, path: string, direction: 'backward' | 'forward'): Incompatibility | undefined {
  const r = base(reader);
  const w = base(writer);
  const changed = (): Incompatibility => {
    const [from, to] = direction === 'backward' ? [w, r] : [r, w];
    return { field: path, reason: `changed type ${describeType(from)} -> ${describeType(to)}` };
  };

  if (isUnion(w)) {
    // Every branch the writer may have used must be readable.
    for (const branch of w.types ?? []) {
      const problem = isUnion(r) ? firstReadableBranch(r, branch, path, direction) : check(r, branch, path, direction);
      if (problem) return wholeTypeChange(problem, path) ? changed() : problem;
    }
    return undefined;
  }
  if (isUnion(r)) {
    const problem = firstReadableBranch(r, w, path, direction);
    if (problem) return wholeTypeChange(problem, path) ? changed() : problem;
    return undefined;
  }
  if (r.typeName !== w.typeName) {
    return (PROMOTIONS[r.typeName] ?? []).includes(w.typeName) ? undefined : changed();
  }
  switch (r.typeName) {
    case 'record':
    case 'error':
      if (!sameName(r, w)) return { field: path, reason: `changed record name ${w.name} -> ${r.name}` };
      return checkRecord(r, w, path, direction);
    case 'enum': {
      if (!sameName(r, w)) return { field: path, reason: `changed enum name ${w.name} -> ${r.name}` };
      if (r.default !== undefined) return undefined;
      const missing = (w.symbols ?? []).filter((s) => !(r.symbols ?? []).includes(s));
      if (missing.length === 0) return undefined;
      return direction === 'backward'
        ? { field: path, reason: `enum lost symbol(s) ${missing.join(', ')} without a default symbol` }
        : { field: path, reason: `enum added symbol(s) ${missing.join(', ')} that old readers do not know` };
    }
    case 'fixed':
      if (!sameName(r, w)) return { field: path, reason: `changed fixed name ${w.name} -> ${r.name}` };
      return r.size === w.size ? undefined : changed();
    case 'array':
      return check(r.itemsType as AvscType, w.itemsType as AvscType, `${path}[]`, direction);
    case 'map':
      return check(r.valuesType as AvscType, w.valuesType as AvscType, `${path}{}`, direction);
    default:
      return undefined;
  }
}

/** undefined when some reader branch reads `writer`; otherwise the problem with the closest branch. */
function firstReadableBranch(
  reader: AvscType,
  writer: AvscType,
  path: string,
  direction: 'backward' | 'forward',
): Incompatibility | undefined {
  let firstProblem: Incompatibility | undefined;
  for (const branch of reader.types ?? []) {
    const problem = check(branch, writer, path, direction);
    if (!problem) return undefined;
    // Prefer a problem inside a same-kind branch (a record's missing field) to a plain type mismatch.
    if (!firstProblem || base(branch).typeName === base(writer).typeName) firstProblem = problem;
  }
  return firstProblem ?? { field: path, reason: `has no union branch for ${describeType(writer)}` };
}

function checkRecord(reader: AvscType, writer: AvscType, path: string, direction: 'backward' | 'forward'): Incompatibility | undefined {
  const writerFields = new Map((writer.fields ?? []).map((f) => [f.name, f]));
  for (const field of reader.fields ?? []) {
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    const match = [field.name, ...(field.aliases ?? [])].map((n) => writerFields.get(n)).find((f) => f !== undefined);
    if (!match) {
      if (field.defaultValue() !== undefined) continue;
      return {
        field: fieldPath,
        reason: direction === 'backward' ? 'was added without a default' : 'was removed but has no default in the old schema',
      };
    }
    const problem = check(field.type, match.type, fieldPath, direction);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Why `readerSchema` cannot read data written with `writerSchema`, or undefined when it can.
 * `direction` only words the message: 'backward' when the reader is the new schema, 'forward' when it is the old one.
 */
export function findIncompatibility(
  readerSchema: AvroSchemaJson,
  writerSchema: AvroSchemaJson,
  direction: 'backward' | 'forward' = 'backward',
): Incompatibility | undefined {
  const reader = parse(readerSchema);
  const writer = parse(writerSchema);
  const problem = check(reader, writer, '', direction);
  if (problem) return { field: problem.field || '<root>', reason: problem.reason };
  try {
    (reader as unknown as avro.Type).createResolver(writer as unknown as avro.Type);
  } catch (err) {
    return { field: '<schema>', reason: `cannot be resolved by Avro: ${(err as Error).message}` };
  }
  return undefined;
}

/**
 * All reasons `candidate` may not be registered after `previous` (oldest first) under `level`.
 * Non-transitive levels compare with the latest previous version only, as Confluent does.
 */
export function compatibilityProblems(
  candidate: AvroSchemaJson,
  previous: readonly AvroSchemaJson[],
  level: CompatibilityLevel,
): Incompatibility[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: Incompatibility[] = [];
  for (const old of [...against].reverse()) {
    const b = backward ? findIncompatibility(candidate, old, 'backward') : undefined;
    if (b) problems.push(b);
    const f = forward ? findIncompatibility(old, candidate, 'forward') : undefined;
    if (f) problems.push(f);
  }
  return problems;
}

/** Throws SchemaIncompatibleError naming the first offending field when `candidate` breaks `level`. */
export function assertCompatible(
  subject: string,
  candidate: AvroSchemaJson,
  previous: readonly AvroSchemaJson[],
  level: CompatibilityLevel = DEFAULT_COMPATIBILITY,
): void {
  const [problem] = compatibilityProblems(candidate, previous, level);
  if (problem) throw new SchemaIncompatibleError(subject, problem.field, problem.reason);
}
