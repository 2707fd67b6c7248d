// Turns a parsed input row (a JSON object, or a CSV row of strings) into a candidate Avro record of
// a topic, driven by the topic's .avsc: times may be epoch ms or ISO-8601 strings, CSV cells are
// strings, a nullable field may be null, empty (CSV) or absent. Coercion only converts what is
// unambiguous; anything else is left as it is for the Avro validator to reject with its path.
import { LineError } from './line-error.ts';

type AvroSchemaNode = string | AvroSchemaNode[] | { [key: string]: unknown };

/** Converts one value found at `path`. `fromCsv`: the value is a CSV cell (a string). */
type Coercer = (value: unknown, path: string, fromCsv: boolean) => unknown;

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
// ISO-8601 date or date-time: 2024-03-07, 2024-03-07T10:15, 2024-03-07 10:15:30.123Z, ...+01:00
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Epoch ms of an ISO-8601 string, UTC when it carries no offset; NaN when it is not one. */
export function parseIsoTime(text: string): number {
  const m = ISO_8601.exec(text.trim());
  if (!m) return Number.NaN;
  const [, date, time, offset] = m;
  if (!time) return Date.parse(`${date}T00:00:00Z`);
  let zone = 'Z';
  if (offset && offset.toUpperCase() !== 'Z') zone = offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
  // Date.parse keeps milliseconds only: cut longer fractions rather than fail.
  const clock = time.replace(/(\.\d{3})\d+$/, '$1');
  return Date.parse(`${date}T${clock}${zone}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeNode(node: AvroSchemaNode): string {
  return typeof node === 'string' ? node : Array.isArray(node) ? 'union' : String(node.type);
}

/** Compiles coercers for a record schema; named types (enums, records) may be referenced by name later. */
export function compileCoercer(schema: Record<string, unknown>): (row: Record<string, unknown>, fromCsv: boolean) => Record<string, unknown> {
  const named = new Map<string, AvroSchemaNode>();
  const root = compile(schema as AvroSchemaNode, named, (schema.namespace as string | undefined) ?? '');
  return (row, fromCsv) => root(row, '', fromCsv) as Record<string, unknown>;
}

function compile(node: AvroSchemaNode, named: Map<string, AvroSchemaNode>, namespace: string): Coercer {
  if (typeof node === 'string') return compileNamedOrPrimitive(node, named, namespace);
  if (Array.isArray(node)) return compileUnion(node, named, namespace);
  const type = node.type as AvroSchemaNode;
  const ns = (node.namespace as string | undefined) ?? namespace;
  if (typeof node.name === 'string') named.set(node.name.includes('.') ? node.name : `${ns}.${node.name}`, node).set(node.name, node);
  if (type === 'record') return compileRecord(node, named, ns);
  if (type === 'array') {
    const items = compile(node.items as AvroSchemaNode, named, ns);
    return (value, path, fromCsv) => {
      let v = value;
      if (fromCsv && typeof v === 'string') v = parseJsonCell(v, path);
      return Array.isArray(v) ? v.map((item, i) => items(item, `${path}.${i}`, false)) : v;
    };
  }
  if (type === 'enum') return (value) => value;
  if (type === 'long' || type === 'int') return integerCoercer(node.logicalType === 'timestamp-millis');
  if (typeof type === 'string') return compileNamedOrPrimitive(type, named, ns);
  return compile(type, named, ns);
}

function compileNamedOrPrimitive(name: string, named: Map<string, AvroSchemaNode>, namespace: string): Coercer {
  switch (name) {
    case 'long':
    case 'int':
      return integerCoercer(false);
    case 'double':
    case 'float':
      return (value) => (typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : value);
    case 'boolean':
      return (value) => (value === 'true' ? true : value === 'false' ? false : value);
    case 'string':
    case 'bytes':
    case 'null':
      return (value) => value;
  }
  const target = named.get(name) ?? named.get(`${namespace}.${name}`);
  if (!target) throw new Error(`schema refers to unknown type '${name}'`);
  // Compiled lazily: a named type is only ever a record or enum here.
  let compiled: Coercer | undefined;
  return (value, path, fromCsv) => (compiled ??= compile(target, named, namespace))(value, path, fromCsv);
}

function integerCoercer(isTimestamp: boolean): Coercer {
  return (value, path) => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    if (INTEGER.test(text)) return Number(text);
    if (!isTimestamp) return value;
    const ms = parseIsoTime(text);
    if (Number.isNaN(ms)) throw new LineError('invalid field', path, `invalid field ${path}: ${JSON.stringify(value)} is neither epoch milliseconds nor an ISO-8601 time`);
    return ms;
  };
}

function compileUnion(branches: AvroSchemaNode[], named: Map<string, AvroSchemaNode>, namespace: string): Coercer {
  const nullable = branches.some((b) => b === 'null');
  const others = branches.filter((b) => b !== 'null');
  if (others.length !== 1) throw new Error(`unions other than [null, T] are not supported (got ${branches.map(describeNode).join(', ')})`);
  const inner = compile(others[0], named, namespace);
  return (value, path, fromCsv) => {
    if (nullable && (value === null || value === undefined || (fromCsv && value === ''))) return null;
    return inner(value, path, fromCsv);
  };
}

function compileRecord(node: { [key: string]: unknown }, named: Map<string, AvroSchemaNode>, namespace: string): Coercer {
  const fields = (node.fields as Array<{ name: string; type: AvroSchemaNode; default?: unknown }>).map((f) => ({
    name: f.name,
    hasDefault: Object.prototype.hasOwnProperty.call(f, 'default'),
    defaultValue: f.default,
    // In CSV an empty cell of a string field is the empty string; of any other field, absent.
    emptyCellIsAbsent: f.type !== 'string',
    coerce: compile(f.type, named, namespace),
  }));
  return (value, path, fromCsv) => {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      let raw = value[f.name];
      if (fromCsv && raw === '' && f.emptyCellIsAbsent) raw = undefined;
      if (raw === undefined && f.hasDefault) raw = structuredClone(f.defaultValue);
      // Absent stays undefined (the validator reports it missing) unless a [null, T] union makes it null.
      out[f.name] = f.coerce(raw, path ? `${path}.${f.name}` : f.name, fromCsv);
    }
    return out;
  };
}

function parseJsonCell(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LineError('invalid field', path, `invalid field ${path}: the CSV cell is not valid JSON`);
  }
}
