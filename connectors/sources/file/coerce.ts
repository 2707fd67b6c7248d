// Turns a parsed input row (a JSON object, or a CSV row of strings) into a candidate Avro record of
// a topic, driven by the topic's .avsc: times may be epoch numbers or ISO-8601 strings (time-field.ts),
// CSV cells are strings, a nullable field may be null, empty (CSV) or absent. Coercion only converts
// what is unambiguous; anything else is left as it is for the Avro validator to reject with its path.
import { LineError } from './line-error.ts';
import { coerceTime, type TimeRules } from './time-field.ts';

type AvroSchemaNode = string | AvroSchemaNode[] | { [key: string]: unknown };

/** Converts one value found at `path`. `fromCsv`: the value is a CSV cell (a string). */
type Coercer = (value: unknown, path: string, fromCsv: boolean) => unknown;

/** What compiling a schema needs besides the node: named types seen so far, how times are read. */
interface Context {
  named: Map<string, AvroSchemaNode>;
  times: TimeRules;
}

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeNode(node: AvroSchemaNode): string {
  return typeof node === 'string' ? node : Array.isArray(node) ? 'union' : String(node.type);
}

/**
 * Compiles coercers for a record schema; named types (enums, records) may be referenced by name
 * later. `times` is read at each time value, so a change of its `now` applies to the next row.
 */
export function compileCoercer(
  schema: Record<string, unknown>,
  times: TimeRules,
): (row: Record<string, unknown>, fromCsv: boolean) => Record<string, unknown> {
  const root = compile(schema as AvroSchemaNode, { named: new Map(), times }, (schema.namespace as string | undefined) ?? '');
  return (row, fromCsv) => root(row, '', fromCsv) as Record<string, unknown>;
}

function compile(node: AvroSchemaNode, ctx: Context, namespace: string): Coercer {
  if (typeof node === 'string') return compileNamedOrPrimitive(node, ctx, namespace);
  if (Array.isArray(node)) return compileUnion(node, ctx, namespace);
  const type = node.type as AvroSchemaNode;
  const ns = (node.namespace as string | undefined) ?? namespace;
  if (typeof node.name === 'string') ctx.named.set(node.name.includes('.') ? node.name : `${ns}.${node.name}`, node).set(node.name, node);
  if (type === 'record') return compileRecord(node, ctx, ns);
  if (type === 'array') {
    const items = compile(node.items as AvroSchemaNode, ctx, ns);
    return (value, path, fromCsv) => {
      let v = value;
      if (fromCsv && typeof v === 'string') v = parseJsonCell(v, path);
      return Array.isArray(v) ? v.map((item, i) => items(item, `${path}.${i}`, false)) : v;
    };
  }
  if (type === 'enum') return (value) => value;
  if (type === 'long' && node.logicalType === 'timestamp-millis') return (value, path) => coerceTime(value, path, ctx.times);
  if (type === 'long' || type === 'int') return integerCoercer;
  if (typeof type === 'string') return compileNamedOrPrimitive(type, ctx, ns);
  return compile(type, ctx, ns);
}

function compileNamedOrPrimitive(name: string, ctx: Context, namespace: string): Coercer {
  switch (name) {
    case 'long':
    case 'int':
      return integerCoercer;
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
  const target = ctx.named.get(name) ?? ctx.named.get(`${namespace}.${name}`);
  if (!target) throw new Error(`schema refers to unknown type '${name}'`);
  // Compiled lazily: a named type is only ever a record or enum here.
  let compiled: Coercer | undefined;
  return (value, path, fromCsv) => (compiled ??= compile(target, ctx, namespace))(value, path, fromCsv);
}

const integerCoercer: Coercer = (value) => (typeof value === 'string' && INTEGER.test(value.trim()) ? Number(value.trim()) : value);

function compileUnion(branches: AvroSchemaNode[], ctx: Context, namespace: string): Coercer {
  const nullable = branches.some((b) => b === 'null');
  const others = branches.filter((b) => b !== 'null');
  if (others.length !== 1) throw new Error(`unions other than [null, T] are not supported (got ${branches.map(describeNode).join(', ')})`);
  const inner = compile(others[0], ctx, namespace);
  return (value, path, fromCsv) => {
    if (nullable && (value === null || value === undefined || (fromCsv && value === ''))) return null;
    return inner(value, path, fromCsv);
  };
}

function compileRecord(node: { [key: string]: unknown }, ctx: Context, namespace: string): Coercer {
  const fields = (node.fields as Array<{ name: string; type: AvroSchemaNode; default?: unknown }>).map((f) => ({
    name: f.name,
    hasDefault: Object.prototype.hasOwnProperty.call(f, 'default'),
    defaultValue: f.default,
    // In CSV an empty cell of a string field is the empty string; of any other field, absent.
    emptyCellIsAbsent: f.type !== 'string',
    coerce: compile(f.type, ctx, namespace),
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
