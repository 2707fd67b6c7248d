// The synthetic source's public face (`riskstream generate`): the records of a deterministic
// lending book, their ground truth, and a runner that produces them as Avro onto the log.
import { LendingBook, type CustomerLabel, type GeneratedEvent, type GeneratorOptions, type InjectedDiscrepancy } from './lending-book.ts';

export type {
  CustomerLabel,
  GeneratedEvent,
  GeneratorOptions,
  InjectedDiscrepancy,
  InputTopicName,
  DiscrepancyKind,
} from './lending-book.ts';

/** Exactly `events` records for the six input topics, in delivery order. Same options → same records. */
export function generateEvents(opts: GeneratorOptions): Iterable<GeneratedEvent> {
  return { [Symbol.iterator]: () => new LendingBook(opts).events() };
}

/** Generates the whole book and returns what it hides: default labels and injected discrepancies. */
export function groundTruthOf(opts: GeneratorOptions): { labels: CustomerLabel[]; discrepancies: InjectedDiscrepancy[] } {
  const book = new LendingBook(opts);
  for (const _ of book.events());
  return { labels: book.labels(), discrepancies: book.discrepancies() };
}

/** Ground-truth default label of every customer appearing in generateEvents(opts). */
export function labelsOf(opts: GeneratorOptions): CustomerLabel[] {
  return groundTruthOf(opts).labels;
}

/** The labels side file: CSV `customer_id,defaulted` with a header. */
export function labelsCsv(labels: readonly CustomerLabel[]): string {
  return `customer_id,defaulted\n${labels.map((l) => `${l.customer_id},${l.defaulted}\n`).join('')}`;
}

/** The discrepancies side file: CSV `kind,debtor_id,partner_id,event_id` with a header. */
export function discrepanciesCsv(discrepancies: readonly InjectedDiscrepancy[]): string {
  return `kind,debtor_id,partner_id,event_id\n${discrepancies.map((d) => `${d.kind},${d.debtor_id},${d.partner_id},${d.event_id}\n`).join('')}`;
}

export { reconciliationGroundTruthOf, unreportedDebtors } from './reconciliation-ground-truth.ts';
export type { DebtorTruth, InjectedPartnerKind, ReconciliationGroundTruth } from './reconciliation-ground-truth.ts';
