// The reconciliation processor: one per task, fed the task's book updates (after the versioned store
// holds them), partner records and review decisions, in the task's event-time order. Everything it
// emits comes out of process() or a timer, so the engine's commit covers outputs, stores and timers
// together: exactly once across crashes and replays.
import type { KeyValueStore, Processor, ProcessorContext, TimerService } from '../../engine/index.ts';
import type { AuditRecord, Debtor, PartnerRecord, ReconciliationResult, ReviewDecision } from '../../schemas/types.ts';
import { decisionStep, detectionSteps } from './audit-steps.ts';
import { caseOf, closedBy, statusFor, type CaseState } from './cases.ts';
import type { ReconciliationOptions } from './options.ts';
import { missingAtPartner, reconcile } from './reconcile.ts';

/** What reaches the processor: a book update, a partner record or a review decision. */
export type ReconciliationInput = { book: Debtor } | { partner: PartnerRecord } | { decision: ReviewDecision };

/** What it emits: a result or an audit record (split to their topics downstream). */
export type ReconciliationOutput = { result: ReconciliationResult } | { audit: AuditRecord };

/** Per debtor: whether the book and the partner have spoken, and the first book record while its timer runs. */
export interface DebtorWatch {
  inBook: boolean;
  reported: boolean;
  /** The first book record, kept until the partner reports or the timer fires. */
  first: Debtor | null;
}

export const STORES = {
  book: 'reconciliation-book',
  debtors: 'reconciliation-debtors',
  cases: 'reconciliation-cases',
  missing: 'reconciliation-missing-timers',
  closedCases: 'reconciliation-closed-case-timers',
} as const;

/** A book version as the versioned store hands it back. */
export interface BookLookup {
  get(key: string, asOf: number): Debtor | undefined;
}

export class Reconciler implements Processor<string, ReconciliationInput, string, ReconciliationOutput> {
  private ctx!: ProcessorContext<string, ReconciliationOutput>;
  private book!: BookLookup;
  private debtors!: KeyValueStore<DebtorWatch>;
  private cases!: KeyValueStore<CaseState>;
  private timers!: TimerService;
  /** Per case_id: when a closed case leaves the case book. */
  private closedCaseTimers!: TimerService;

  constructor(private readonly options: ReconciliationOptions) {}

  init(ctx: ProcessorContext<string, ReconciliationOutput>): void {
    this.ctx = ctx;
    this.book = ctx.getStateStore(STORES.book) as unknown as BookLookup;
    this.debtors = ctx.getStateStore(STORES.debtors);
    this.cases = ctx.getStateStore(STORES.cases);
    this.timers = ctx.timers(STORES.missing, (debtorId) => this.missingAtPartner(debtorId));
    this.closedCaseTimers = ctx.timers(STORES.closedCases, (caseId) => this.cases.delete(caseId));
  }

  process(_debtorId: string, input: ReconciliationInput): void {
    if ('book' in input) this.onBook(input.book);
    else if ('partner' in input) this.onPartner(input.partner);
    else this.onDecision(input.decision);
  }

  /** A debtor's first book record starts the partner's clock, unless the partner reported it already. */
  private onBook(d: Debtor): void {
    const watch = this.debtors.get(d.debtor_id);
    if (watch?.inBook) return;
    if (watch?.reported) {
      this.debtors.put(d.debtor_id, { ...watch, inBook: true });
      return;
    }
    this.debtors.put(d.debtor_id, { inBook: true, reported: false, first: d });
    this.timers.set(d.debtor_id, d.event_time + this.options.missingAfterMs);
  }

  private onPartner(p: PartnerRecord): void {
    // A report dated after the deadline does not save the debtor from MISSING_AT_PARTNER: the partner
    // was silent until then. Its timer fires here, before the report's own result.
    const due = this.timers.dueTime(p.debtor_id);
    if (due !== undefined && due < p.event_time) this.missingAtPartner(p.debtor_id);
    this.timers.cancel(p.debtor_id);
    const watch = this.debtors.get(p.debtor_id);
    if (!watch?.reported || watch.first !== null)
      this.debtors.put(p.debtor_id, { inBook: watch?.inBook ?? false, reported: true, first: null });
    this.emit(reconcile(p, this.book.get(p.debtor_id, p.event_time), this.options.rules));
  }

  private onDecision(d: ReviewDecision): void {
    // A decision is dated at its case's event_time. Re-read from the start (a replay), one on a
    // MISSING_AT_PARTNER case may be the record that moves stream time to the deadline, which fires
    // the timer only after it: the case it names is due, so it opens first. (In a live run the timer
    // has long fired; either way it would fire right after this record.)
    const due = this.timers.dueTime(d.debtor_id);
    if (due !== undefined && due <= d.event_time) this.missingAtPartner(d.debtor_id);
    const found = this.cases.get(d.case_id);
    const status = statusFor(d, found);
    if (status === 'duplicate') return;
    if (status.status === 'open') {
      this.cases.put(d.case_id, closedBy(found!, d));
      this.dropAfterRetention(d.case_id);
    }
    const audit = decisionStep(d, status);
    this.ctx.forward(d.debtor_id, { audit }, audit.event_time);
  }

  private missingAtPartner(debtorId: string): void {
    this.timers.cancel(debtorId);
    const watch = this.debtors.get(debtorId);
    if (!watch?.first) return;
    this.debtors.put(debtorId, { ...watch, first: null });
    this.emit(missingAtPartner(watch.first, this.options.missingAfterMs));
  }

  /** Counted in stream time from now, when the case closed (a decision is dated at its case's event_time). */
  private dropAfterRetention(caseId: string): void {
    this.closedCaseTimers.set(caseId, this.ctx.streamTime + this.options.closedCaseRetentionMs);
  }

  /** A result, its audit steps, and the case it opens. */
  private emit(result: ReconciliationResult): void {
    this.ctx.forward(result.debtor_id, { result }, result.event_time);
    const opened = caseOf(result);
    if (opened) {
      this.cases.put(result.event_id, opened);
      if (!opened.open) this.dropAfterRetention(result.event_id);
    }
    for (const audit of detectionSteps(result)) this.ctx.forward(result.debtor_id, { audit }, audit.event_time);
  }
}
