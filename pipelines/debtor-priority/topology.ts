// The debtor-priority pipeline (CONTRACTS 9): the collection worklist. Two steps, each one custom
// processor over plain in-memory stores:
// - in the task of a debtor's partition (debtors, keyed by debtor_id), DebtorRouter remembers each
//   debtor's customer and generation there (output-order.ts) and sends the debtor's scored fields to
//   its customer through the repartition topic `debtors-by-customer` (a small Avro record), with a
//   "left" record to the old customer when the debtor moved or was deleted;
// - in the task of a customer's partition, that topic and risk-scores (same partitions) feed the
//   WorklistUpdater, which keeps each customer's default probability and debtors, and in the
//   `worklist` store each debtor's state and the worklist heap, and emits collection-priorities on
//   each change of a debtor's row.
import { jsonSerde, keyValueStore, StreamsBuilder, tombstonesAsNull, type Serde, type Topology } from '../../engine/index.ts';
import { avroFieldsSerde, avroSerde } from '../../schemas/topic-serdes.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import type { TopologyOptions } from '../pipeline.ts';
import { customerInputSerde, WORKLIST_DEBTOR_FIELDS, type CustomerInput, type WorklistDebtor } from './customer-input.ts';
import { DEBTOR_PLACEMENT_STORE, DebtorRouter, debtorPlacementSerde, type DebtorPlacement } from './debtor-router.ts';
import { debtorWorklistStore } from './debtor-worklist-store.ts';
import { DEFAULT_RISK_FACTORS } from './risk-factors.ts';
import { CUSTOMER_DEBTORS_STORE, CUSTOMER_PD_STORE, WorklistUpdater } from './worklist-updater.ts';
import { WORKLIST_STORE } from './worklist-store.ts';

/** A default probability as 8 bytes: the changelog of a customer's probability. */
const probabilitySerde: Serde<number> = {
  serialize: (pd) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeDoubleLE(pd, 0);
    return buf;
  },
  deserialize: (buf) => buf!.readDoubleLE(0),
};

export function debtorPriorityTopology(avro: AvroSerde, options: TopologyOptions = {}): Topology {
  const factors = options.riskFactors ?? DEFAULT_RISK_FACTORS;
  const b = new StreamsBuilder();
  b.addStateStore(keyValueStore<DebtorPlacement>(DEBTOR_PLACEMENT_STORE, debtorPlacementSerde));
  b.addStateStore(debtorWorklistStore(WORKLIST_STORE));
  b.addStateStore(keyValueStore<string[]>(CUSTOMER_DEBTORS_STORE, jsonSerde()));
  b.addStateStore(keyValueStore<number>(CUSTOMER_PD_STORE, probabilitySerde));
  const byCustomer = b
    // Only the fields the worklist reads are decoded.
    .stream<WorklistDebtor | null>('debtors', {
      valueSerde: tombstonesAsNull(avroFieldsSerde(avro, 'debtors', WORKLIST_DEBTOR_FIELDS)),
      readAsTable: true,
    })
    .process(() => new DebtorRouter(), DEBTOR_PLACEMENT_STORE)
    .repartition({ name: 'debtors-by-customer', valueSerde: customerInputSerde });
  const probabilities = b
    .stream('risk-scores', {
      valueSerde: tombstonesAsNull(avroFieldsSerde(avro, 'risk-scores', ['default_probability'])),
      readAsTable: true,
    })
    .mapValues((s): CustomerInput => ({ kind: 'probability', pd: s === null ? null : s.default_probability }));
  byCustomer
    .merge(probabilities)
    .process(() => new WorklistUpdater(factors), WORKLIST_STORE, CUSTOMER_DEBTORS_STORE, CUSTOMER_PD_STORE)
    .to('collection-priorities', { valueSerde: avroSerde(avro, 'collection-priorities') });
  return b.build();
}
