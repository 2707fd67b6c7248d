// Generates schemas/types.ts from schemas/avro/*.avsc, so the TypeScript rows never drift from the schemas.
//   node --import tsx schemas/generate-types.ts           rewrite schemas/types.ts
//   node --import tsx schemas/generate-types.ts --check   exit 1 when schemas/types.ts is out of date
// Records become interfaces named as in Avro (nested records first), enums become string unions, the common
// envelope (event_id, tenant_id, event_time) becomes `extends EventEnvelope`, ["null", T] becomes `T | null`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// topics.ts imports types.ts for types only, so this runs even while types.ts is out of date.
import { TOPICS } from './topics.ts';

const SCHEMAS_DIR = path.dirname(fileURLToPath(import.meta.url));
const AVRO_DIR = path.join(SCHEMAS_DIR, 'avro');
export const TYPES_FILE = path.join(SCHEMAS_DIR, 'types.ts');

/** Topic order in the generated file: the project's topics as topics.ts lists them, then any other .avsc by name. */
const TOPIC_ORDER: readonly string[] = Object.keys(TOPICS);

const HEADER = [
  '// Typed rows of every topic, generated from schemas/avro/*.avsc by schemas/generate-types.ts: do not edit by hand.',
  '// schemas/types.test.ts holds this file equal to the generator output.',
  '// Money is integer minor units (`*_cents`); times are UTC epoch milliseconds.',
];

const ENVELOPE: readonly { name: string; type: string }[] = [
  { name: 'event_id', type: 'string' },
  { name: 'tenant_id', type: 'string' },
  { name: 'event_time', type: 'number' },
];

export class TypeGenerationError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'TypeGenerationError';
  }
}

type AvroType = string | AvroType[] | { type: string | AvroType; [key: string]: unknown };
interface AvroField {
  name: string;
  type: AvroType;
}

const PRIMITIVES: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  string: 'string',
  bytes: 'Buffer',
};

/** Collects the declarations of one file; named types are emitted once, in order of first appearance. */
class Emitter {
  readonly enums: string[] = [];
  readonly interfaces: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly file: string) {}

  tsType(type: AvroType): string {
    if (typeof type === 'string') {
      const primitive = PRIMITIVES[type];
      if (primitive) return primitive;
      const short = type.slice(type.lastIndexOf('.') + 1);
      if (this.seen.has(short)) return short;
      throw new TypeGenerationError(this.file, `unknown type reference '${type}'`);
    }
    if (Array.isArray(type)) {
      const branches = type.map((t) => this.tsType(t));
      // Nullable fields read as `T | null`, with null last, whatever the union's order in Avro.
      return [...branches.filter((b) => b !== 'null'), ...branches.filter((b) => b === 'null')].join(' | ');
    }
    if (typeof type.type !== 'string') return this.tsType(type.type);
    switch (type.type) {
      case 'record':
        return this.record(type);
      case 'enum':
        return this.enumType(type);
      case 'array':
        return `${this.wrapped(type.items as AvroType)}[]`;
      case 'map':
        return `Record<string, ${this.tsType(type.values as AvroType)}>`;
      case 'fixed':
        return 'Buffer';
      default:
        // A primitive with a logical type (timestamp-millis is a long: epoch ms).
        return this.tsType(type.type);
    }
  }

  private wrapped(type: AvroType): string {
    const ts = this.tsType(type);
    return ts.includes(' | ') ? `(${ts})` : ts;
  }

  private enumType(type: { [key: string]: unknown }): string {
    const name = String(type.name);
    if (!this.seen.has(name)) {
      this.seen.add(name);
      const symbols = (type.symbols as string[]).map((s) => `'${s}'`).join(' | ');
      this.enums.push(`export type ${name} = ${symbols};`);
    }
    return name;
  }

  record(type: { [key: string]: unknown }): string {
    const name = String(type.name);
    if (this.seen.has(name)) return name;
    this.seen.add(name);
    const fields = type.fields as AvroField[];
    const members = fields.map((f) => ({ name: f.name, type: this.tsType(f.type) }));
    const hasEnvelope = ENVELOPE.every((e, i) => members[i]?.name === e.name && members[i]?.type === e.type);
    const own = hasEnvelope ? members.slice(ENVELOPE.length) : members;
    const lines = [
      `export interface ${name}${hasEnvelope ? ' extends EventEnvelope' : ''} {`,
      ...own.map((m) => `  ${m.name}: ${m.type};`),
      '}',
    ];
    // Nested records were pushed while their fields were typed, so they come before this one.
    this.interfaces.push(lines.join('\n'));
    return name;
  }
}

function topicFiles(): string[] {
  const present = readdirSync(AVRO_DIR)
    .filter((f) => f.endsWith('.avsc'))
    .map((f) => f.slice(0, -'.avsc'.length));
  const known = TOPIC_ORDER.filter((t) => present.includes(t));
  const others = present.filter((t) => !TOPIC_ORDER.includes(t)).sort();
  return [...known, ...others];
}

function propertyKey(topic: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(topic) ? topic : `'${topic}'`;
}

/** The full text of schemas/types.ts for the .avsc files in schemas/avro/. */
export function generateTypes(): string {
  const emitter = new Emitter('schemas/avro');
  const rows: { topic: string; type: string }[] = [];
  for (const topic of topicFiles()) {
    const file = `${topic}.avsc`;
    const schema = JSON.parse(readFileSync(path.join(AVRO_DIR, file), 'utf8')) as { type: string; [key: string]: unknown };
    if (schema.type !== 'record') throw new TypeGenerationError(file, 'a topic schema must be a record');
    rows.push({ topic, type: emitter.record(schema) });
  }
  const envelope = ['export interface EventEnvelope {', ...ENVELOPE.map((e) => `  ${e.name}: ${e.type};`), '}'].join('\n');
  const topicRecords = [
    '/** The row type of each topic, by topic name. */',
    'export interface TopicRecords {',
    ...rows.map((r) => `  ${propertyKey(r.topic)}: ${r.type};`),
    '}',
  ].join('\n');
  const blocks = [
    HEADER.join('\n'),
    envelope,
    emitter.enums.join('\n'),
    ...emitter.interfaces,
    topicRecords,
    'export type TopicName = keyof TopicRecords;',
  ];
  return `${blocks.filter((b) => b !== '').join('\n\n')}\n`;
}

function main(argv: readonly string[]): number {
  const text = generateTypes();
  if (argv.includes('--check')) {
    const current = readFileSync(TYPES_FILE, 'utf8');
    if (current === text) return 0;
    process.stderr.write('schemas/types.ts is out of date: run node --import tsx schemas/generate-types.ts\n');
    return 1;
  }
  writeFileSync(TYPES_FILE, text);
  process.stderr.write(`wrote ${path.relative(process.cwd(), TYPES_FILE)}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
