// The plain windowed aggregation taken apart, to tell where a Kafka run's CPU goes (and so how far
// each stage is from the kafkajs_raw_eps ceiling). Same inputs, same decoding, same commits:
// - consume only: decode the inputs and drop them; what is left is the engine's consume path
//   (fetch, decode, timestamp-synchronised tasks, offsets committed in transactions);
// - outputs only: as consume only, plus one Avro result for as many events as the windowed run
//   writes results on the dense data, without window state or changelog.
// The windowed run minus outputs only is then the cost of the window state and its changelog.
import { StreamsBuilder, type Topology } from '../engine/index.ts';
import type { SchemaRegistryClient } from '../schemas/registry/registry-client.ts';
import type { AvroSerde } from '../schemas/serde.ts';
import { activityStream, WINDOW_TOTALS_TOPIC, windowTotalsSerde, type WindowTotals } from './windowed-aggregate-topology.ts';

/**
 * Percent of events that get a result in the outputs-only run: the windowed run writes ~0.46
 * results per event on the bench's dense data (one per customer and day: 2.2 events a day each).
 */
export const OUTPUT_PERCENT = 46;

/** Whether the outputs-only run writes a result for an event: by its time, so a rerun writes the same. */
export function writesResult(timestamp: number): boolean {
  return timestamp % 100 < OUTPUT_PERCENT;
}

export function consumeOnlyTopology(avro: AvroSerde, registry: SchemaRegistryClient): Topology {
  const b = new StreamsBuilder();
  // The sink is never reached; it keeps the topology's output topic (and its schema) as in the other runs.
  activityStream(b, avro)
    .filter(() => false)
    .mapValues((a, key, timestamp) => oneEventResult(key, timestamp, a.amountCents))
    .to(WINDOW_TOTALS_TOPIC, { valueSerde: windowTotalsSerde(registry) });
  return b.build();
}

export function outputsOnlyTopology(avro: AvroSerde, registry: SchemaRegistryClient): Topology {
  const b = new StreamsBuilder();
  activityStream(b, avro)
    .flatMapValues((a, key, timestamp) => (writesResult(timestamp) ? [oneEventResult(key, timestamp, a.amountCents)] : []))
    .to(WINDOW_TOTALS_TOPIC, { valueSerde: windowTotalsSerde(registry) });
  return b.build();
}

/** A result of the windowed run's shape, for one event. */
function oneEventResult(customerId: string, timestamp: number, amountCents: number): WindowTotals {
  return {
    customer_id: customerId,
    window_start: timestamp,
    window_end: timestamp + 1,
    events: 1,
    debit_cents: amountCents,
    credit_cents: 0,
    max_debit_cents: amountCents,
    applications: 0,
  };
}
