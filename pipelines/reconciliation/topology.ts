// The reconciliation pipeline: our book (debtors, a versioned table) against the partners' reports
// (partner-records), with people's review decisions (review-decisions), all keyed by debtor_id and
// co-partitioned, so one task holds a debtor's whole story. One processor (reconciler.ts) compares,
// times out silent partners and keeps the case book; its output is split into results and audit.
import { keyValueStore, StreamsBuilder, timerStore, type Topology } from '../../engine/index.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import { avroSerde } from '../../schemas/topic-serdes.ts';
import type { AuditRecord, Debtor, PartnerRecord, ReconciliationResult, ReviewDecision } from '../../schemas/types.ts';
import type { TopologyOptions } from '../pipeline.ts';
import { DEFAULT_RECONCILIATION_OPTIONS } from './options.ts';
import { Reconciler, STORES, type ReconciliationInput, type ReconciliationOutput } from './reconciler.ts';

export function reconciliationTopology(avro: AvroSerde, options: TopologyOptions = {}): Topology {
  const settings = options.reconciliation ?? DEFAULT_RECONCILIATION_OPTIONS;
  const b = new StreamsBuilder();
  // The table is declared first: the task takes, among heads with equal event times, the first
  // source's, so a book record dated at the very instant of a partner record is in force for it.
  const book = b.versionedTable<Debtor>('debtors', {
    valueSerde: avroSerde(avro, 'debtors'),
    storeName: STORES.book,
    historyRetentionMs: settings.bookHistoryMs,
  });
  const partners = b.stream<PartnerRecord>('partner-records', { valueSerde: avroSerde(avro, 'partner-records') });
  const decisions = b.stream<ReviewDecision>('review-decisions', { valueSerde: avroSerde(avro, 'review-decisions') });
  b.addStateStore(keyValueStore(STORES.debtors))
    .addStateStore(keyValueStore(STORES.cases))
    .addStateStore(timerStore(STORES.missing))
    .addStateStore(timerStore(STORES.closedCases));

  const out = book
    .toStream()
    .mapValues((d): ReconciliationInput => ({ book: d }))
    .merge(
      partners.mapValues((p): ReconciliationInput => ({ partner: p })),
      decisions.mapValues((d): ReconciliationInput => ({ decision: d })),
    )
    .process<string, ReconciliationOutput>(
      () => new Reconciler(settings),
      STORES.book,
      STORES.debtors,
      STORES.cases,
      STORES.missing,
      STORES.closedCases,
    );
  out
    .filter((_, o) => 'result' in o)
    .mapValues((o) => (o as { result: ReconciliationResult }).result)
    .to('reconciliation-results', { valueSerde: avroSerde(avro, 'reconciliation-results') });
  out
    .filter((_, o) => 'audit' in o)
    .mapValues((o) => (o as { audit: AuditRecord }).audit)
    .to('audit-log', { valueSerde: avroSerde(avro, 'audit-log') });
  return b.build();
}
