// The engine benchmark exactly as issue 3 words it: a hopping-window aggregation over the Avro input
// records, 30 windows per event (30-day windows advancing a day, grace a day), one result per closed
// window, written as Avro. Same inputs and data as the risk-features run, without that pipeline's
// own work (categories, 14 sums per slice, the as-of join to applications, 24-field results): it
// tells the engine's cost apart from the pipeline's.
import type avsc from 'avsc';
import {
  type KStream,
  StreamsBuilder,
  untilWindowCloses,
  SerdeDecodeError,
  type Serde,
  type Topology,
  TimeWindows,
} from '../engine/index.ts';
import { avroFieldsSerde } from '../schemas/topic-serdes.ts';
import { AvroSlabWriter } from '../schemas/avro-slab-writer.ts';
import type { SchemaRegistryClient } from '../schemas/registry/registry-client.ts';
import { HEADER_BYTES, parseAvroType, schemaIdFromWire, type AvroSerde } from '../schemas/serde.ts';

const DAY_MS = 86_400_000;
export const WINDOW_TOTALS_TOPIC = 'window-totals';

/** Counts and sums in minor units of one customer's activity in a slice or a window. */
interface ActivityTotals {
  events: number;
  debitCents: number;
  creditCents: number;
  maxDebitCents: number;
  applications: number;
}

/** One input event, reduced to what the totals read. */
export interface Activity {
  kind: 'debit' | 'credit' | 'application';
  amountCents: number;
}

/** A window's result, as written to WINDOW_TOTALS_TOPIC. */
export interface WindowTotals {
  customer_id: string;
  window_start: number;
  window_end: number;
  events: number;
  debit_cents: number;
  credit_cents: number;
  max_debit_cents: number;
  applications: number;
}

const WINDOW_TOTALS_SCHEMA = {
  type: 'record',
  name: 'WindowTotals',
  namespace: 'riskstream.bench',
  fields: [
    { name: 'customer_id', type: 'string' },
    { name: 'window_start', type: 'long' },
    { name: 'window_end', type: 'long' },
    { name: 'events', type: 'long' },
    { name: 'debit_cents', type: 'long' },
    { name: 'credit_cents', type: 'long' },
    { name: 'max_debit_cents', type: 'long' },
    { name: 'applications', type: 'long' },
  ],
};

/** The window results as Avro in the Confluent wire format, under a schema registered at prepare(). */
export function windowTotalsSerde(registry: SchemaRegistryClient): Serde<WindowTotals> {
  const type: avsc.Type = parseAvroType(WINDOW_TOTALS_SCHEMA);
  const slab = new AvroSlabWriter();
  let schemaId: number | undefined;
  return {
    prepare: async () => {
      schemaId = await registry.register(`${WINDOW_TOTALS_TOPIC}-value`, WINDOW_TOTALS_SCHEMA);
    },
    serialize: (v) => {
      if (schemaId === undefined) throw new Error(`${WINDOW_TOTALS_TOPIC} serde used before prepare()`);
      return slab.write(schemaId, type, v);
    },
    deserialize: (b) => {
      if (b === null) throw new SerdeDecodeError(`${WINDOW_TOTALS_TOPIC}: null value`);
      schemaIdFromWire(b); // throws, naming the problem, on bytes not in the Confluent wire format
      return type.fromBuffer(b.subarray(HEADER_BYTES)) as WindowTotals;
    },
  };
}

const TOTALS_FIELDS = 5;

/** The slices' changelog format: five float64s (whole numbers, exact up to 2^53). */
const totalsStoreSerde: Serde<ActivityTotals> = {
  serialize: (t) => {
    const b = Buffer.allocUnsafe(TOTALS_FIELDS * 8);
    b.writeDoubleLE(t.events, 0);
    b.writeDoubleLE(t.debitCents, 8);
    b.writeDoubleLE(t.creditCents, 16);
    b.writeDoubleLE(t.maxDebitCents, 24);
    b.writeDoubleLE(t.applications, 32);
    return b;
  },
  deserialize: (b) => {
    if (b === null || b.length !== TOTALS_FIELDS * 8)
      throw new SerdeDecodeError(`window totals: expected ${TOTALS_FIELDS * 8} bytes, got ${b?.length ?? 'null'}`);
    return {
      events: b.readDoubleLE(0),
      debitCents: b.readDoubleLE(8),
      creditCents: b.readDoubleLE(16),
      maxDebitCents: b.readDoubleLE(24),
      applications: b.readDoubleLE(32),
    };
  },
};

/**
 * The three input topics as one stream of activities, decoding only the fields the totals read.
 * Shared with stage-topologies.ts, whose runs take the same inputs apart from the windows.
 */
export function activityStream(b: StreamsBuilder, avro: AvroSerde): KStream<string, Activity> {
  const transactions = b
    .stream('transactions', { valueSerde: avroFieldsSerde(avro, 'transactions', ['direction', 'amount_cents']) })
    .mapValues((t): Activity => ({ kind: t.direction === 'DEBIT' ? 'debit' : 'credit', amountCents: t.amount_cents }));
  const repayments = b
    .stream('repayments', { valueSerde: avroFieldsSerde(avro, 'repayments', ['amount_paid_cents']) })
    .mapValues((r): Activity => ({ kind: 'credit', amountCents: r.amount_paid_cents ?? 0 }));
  const applications = b
    .stream('loan-applications', { valueSerde: avroFieldsSerde(avro, 'loan-applications', ['amount_cents']) })
    .mapValues((a): Activity => ({ kind: 'application', amountCents: a.amount_cents }));
  return transactions.merge(repayments, applications);
}

export function windowedAggregateTopology(avro: AvroSerde, registry: SchemaRegistryClient): Topology {
  const b = new StreamsBuilder();
  activityStream(b, avro)
    .groupByKey()
    .windowedBy(TimeWindows.hopping(30 * DAY_MS, DAY_MS).grace(DAY_MS))
    .aggregate<ActivityTotals>(
      {
        init: () => ({ events: 0, debitCents: 0, creditCents: 0, maxDebitCents: 0, applications: 0 }),
        add: (t, a) => {
          t.events++;
          if (a.kind === 'debit') {
            t.debitCents += a.amountCents;
            if (a.amountCents > t.maxDebitCents) t.maxDebitCents = a.amountCents;
          } else if (a.kind === 'credit') t.creditCents += a.amountCents;
          else t.applications++;
          return t;
        },
        merge: (into, from) => {
          into.events += from.events;
          into.debitCents += from.debitCents;
          into.creditCents += from.creditCents;
          if (from.maxDebitCents > into.maxDebitCents) into.maxDebitCents = from.maxDebitCents;
          into.applications += from.applications;
          return into;
        },
      },
      { storeName: 'activity-totals-slices', aggregateSerde: totalsStoreSerde },
    )
    .suppress(untilWindowCloses())
    .toStream()
    .mapValues((t, w): WindowTotals => ({
      customer_id: w.key,
      window_start: w.start,
      window_end: w.end,
      events: t.events,
      debit_cents: t.debitCents,
      credit_cents: t.creditCents,
      max_debit_cents: t.maxDebitCents,
      applications: t.applications,
    }))
    .to(WINDOW_TOTALS_TOPIC, { valueSerde: windowTotalsSerde(registry) });
  return b.build();
}
