// One input line → one valid record of a topic, or a LineError naming the field that is wrong.
// Validation is the topic's own Avro schema (avsc isValid with an errorHook for the field path),
// plus the few value rules the topics have that Avro cannot state (amount_cents > 0 on transactions),
// plus the times' rules (time-field.ts): valid dates, within the event-time bounds.
import type avro from 'avsc';
import { DEFAULT_EVENT_TIME_BOUNDS, type EventTimeBounds } from '../../../engine/index.ts';
import { parseAvroType } from '../../../schemas/serde.ts';
import { avroSchemaOf } from '../../../schemas/topics.ts';
import type { TopicName, TopicRecords } from '../../../schemas/types.ts';
import { compileCoercer } from './coerce.ts';
import { LineError, show } from './line-error.ts';
import type { TimeRules, TimeUnit } from './time-field.ts';

type ValueRule = (record: Record<string, unknown>) => LineError | null;

const VALUE_RULES: Partial<Record<TopicName, ValueRule[]>> = {
  transactions: [
    (r) =>
      (r.amount_cents as number) > 0
        ? null
        : new LineError(
            'invalid field',
            'amount_cents',
            `invalid field amount_cents: ${r.amount_cents} is not > 0 (the sign is in direction)`,
          ),
  ],
};

function expected(type: avro.Type): string {
  if (type.typeName === 'enum') return `one of ${(type as avro.types.EnumType).symbols.join(', ')}`;
  if (type.typeName === 'union:unwrapped' || type.typeName === 'union:wrapped')
    return `null or ${(type as avro.types.UnwrappedUnionType).types
      .filter((t) => t.typeName !== 'null')
      .map((t) => t.typeName)
      .join(', ')}`;
  return `a ${type.typeName}`;
}

export interface RecordReaderOptions {
  /** What an epoch number in a time field counts: milliseconds (default) or seconds. */
  timeUnit?: TimeUnit;
  /** Default: the engine's (no time before 2000-01-01, no event_time more than 1 day ahead). */
  eventTimeBounds?: EventTimeBounds;
}

export class TopicRecordReader<T extends TopicName> {
  private readonly type: avro.Type;
  private readonly coerce: (row: Record<string, unknown>, fromCsv: boolean) => Record<string, unknown>;
  private readonly rules: ValueRule[];
  private readonly times: TimeRules;

  constructor(
    readonly topic: T,
    options: RecordReaderOptions = {},
  ) {
    const schema = avroSchemaOf(topic);
    this.type = parseAvroType(schema);
    this.times = { unit: options.timeUnit ?? 'ms', bounds: options.eventTimeBounds ?? DEFAULT_EVENT_TIME_BOUNDS, now: Date.now() };
    this.coerce = compileCoercer(schema, this.times);
    this.rules = VALUE_RULES[topic] ?? [];
  }

  /** Sets the wall-clock time event times are held to (the reader's creation time until then). */
  setWallClock(now: number): void {
    this.times.now = now;
  }

  /** A record from one NDJSON line. */
  fromJsonLine(line: string): TopicRecords[T] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new LineError('invalid JSON', null, `invalid JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new LineError(
        'not a JSON object',
        null,
        `not a JSON object: the line holds ${Array.isArray(parsed) ? 'an array' : show(parsed)}`,
      );
    }
    return this.validated(this.coerce(parsed as Record<string, unknown>, false));
  }

  /** A record from one CSV row, cells by header name. */
  fromCsvRow(row: Record<string, string>): TopicRecords[T] {
    return this.validated(this.coerce(row, true));
  }

  private validated(candidate: Record<string, unknown>): TopicRecords[T] {
    let problem: LineError | null = null;
    this.type.isValid(candidate, {
      errorHook: (path: string[], value: unknown, type: avro.Type) => {
        if (problem) return;
        const field = path.join('.');
        problem =
          value === undefined
            ? new LineError('missing field', field, `missing field ${field}: required by the ${this.topic} schema`)
            : new LineError('invalid field', field, `invalid field ${field}: ${show(value)} is not ${expected(type)}`);
      },
    });
    if (problem) throw problem;
    for (const rule of this.rules) {
      const broken = rule(candidate);
      if (broken) throw broken;
    }
    return candidate as unknown as TopicRecords[T];
  }
}
