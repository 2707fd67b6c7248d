// The synthetic lender: simulates a book of customers day by day and hands out the six input
// topics' records in the order the lender's systems would deliver them (by arrival time). Most
// records arrive at their event_time; a few arrive late on purpose (delayed card feeds, payment
// backfills, statement-only accounts whose transactions arrive with the monthly statement), so
// the pipelines' out-of-order and late paths get exercised.
//
// Everything is drawn from one seeded PRNG in a fixed order: same seed + same count → the same
// records, byte for byte.
import type { SpendingCategory } from '../../categorizer/categories.ts';
import type { LoanApplication, Repayment, Statement, StatementLine, TopicRecords, Transaction } from '../../../schemas/types.ts';
import { DAY_MS, dayOf, dayOfMonth, dayStartMs, HOUR_MS, isFirstOfMonth, previousMonthStartMs } from './book-time.ts';
import {
  advanceBookView,
  advanceCase,
  debtorRecord,
  discrepancyOf,
  isClosed,
  partnerReport,
  PARTNERS,
  strayPartnerReport,
  type DebtorCase,
} from './collections.ts';
import { createCustomer, type CustomerProfile } from './customers.ts';
import { bnplPurchase, installmentCents, payInstallment, periodicRateOf, termLoan, type LoanTerms } from './loans.ts';
import { EMPLOYERS, EVERYDAY_MERCHANTS, HOUSING_PAYEES, UTILITY_PAYEES, type Merchant } from './merchants.ts';
import { Random, WeightedPicker } from './random.ts';

import type { InputTopicName as AnyInputTopicName } from '../../../schemas/topics.ts';
/** The input topics the generator fills: every input but those people write (review-decisions). */
export type InputTopicName = Exclude<AnyInputTopicName, 'review-decisions'>;

/** One generated record with the topic it belongs to and its Kafka key (the topic's key field). */
export type GeneratedEvent = { [T in InputTopicName]: { topic: T; key: string; record: TopicRecords[T] } }[InputTopicName];

export interface CustomerLabel {
  customer_id: string;
  defaulted: 0 | 1;
}

export type DiscrepancyKind = 'amount_variance' | 'status_mismatch' | 'missing_at_partner' | 'missing_in_book';

/** A discrepancy between book and partner that the generator injected on purpose. */
export interface InjectedDiscrepancy {
  kind: DiscrepancyKind;
  debtor_id: string;
  partner_id: string;
  /** The record that carries it (the partner record; for missing_at_partner, the debtor record). */
  event_id: string;
}

export interface GeneratorOptions {
  events: number;
  seed: number;
}

/** Measured average records per customer over the nominal span; sizes the book for a requested count. */
const EVENTS_PER_CUSTOMER = 126;

const SHARE_WITH_CATEGORY = 0.6;
const SHARE_DELAYED_TRANSACTIONS = 0.03;
const SHARE_BACKFILLED_REPAYMENTS = 0.004;

/** Who is on the other side of a transaction. */
type Payee = Pick<Merchant, 'name' | 'category' | 'channel'>;

interface Account {
  accountId: string;
  /** Transactions of this account arrive only with its monthly statement (channel STATEMENT). */
  statementOnly: boolean;
  openingCents: number;
  /** Transactions of the open statement period. */
  period: Transaction[];
}

interface Customer {
  profile: CustomerProfile;
  seen: boolean;
  main: Account;
  external: Account | null;
  housing: Merchant;
  housingCents: number;
  utility: Merchant;
  /** Pays the salary, or (no income) the occasional family support. */
  incomeSource: Payee;
  creditBalanceCents: number;
  ourMonthlyPaymentsCents: number;
  topUpDay: number;
  delinquent: boolean;
}

interface Loan {
  loanId: string;
  customer: Customer;
  terms: LoanTerms;
  installmentCents: number;
  startAt: number;
  paidCount: number;
  lastPaymentAt: number | null;
  missed: boolean;
}

type Action =
  | { kind: 'installment'; loan: Loan; installmentNo: number }
  | { kind: 'open-case'; loan: Loan; firstMissedDueAt: number }
  | { kind: 'case-update'; debtorCase: DebtorCase; customer: Customer };

interface Arrival {
  arrival: number;
  event: GeneratedEvent;
  customer: Customer | null;
  discrepancy?: Omit<InjectedDiscrepancy, 'event_id'>;
}

const CATEGORY_SPELLINGS: Record<SpendingCategory, readonly string[]> = {
  food: ['Food', 'FOOD'],
  shopping: ['Shopping', ' shopping '],
  transport: ['Transport', 'TRANSPORT'],
  housing: ['Housing'],
  health: ['Health', 'HEALTH'],
  entertainment: ['Entertainment'],
  other: ['Other'],
};
const FOREIGN_CATEGORIES = ['groceries', 'misc', 'bills', 'leisure'];

const everydayPicker = new WeightedPicker(EVERYDAY_MERCHANTS, (m) => m.weight);
const refundMerchants = EVERYDAY_MERCHANTS.filter((m) => m.category === 'shopping');

export class LendingBook {
  private readonly rng: Random;
  /** Draws of the book's view of debtors only (advanceBookView), apart from `rng`. */
  private readonly bookViewRng: Random;
  private readonly total: number;
  private readonly customers: Customer[] = [];
  private readonly agenda = new Map<number, Action[]>();
  private readonly arrivals = new Map<number, Arrival[]>();
  private readonly injected: InjectedDiscrepancy[] = [];
  private today = 0;
  private todays: Arrival[] = [];
  private counters = { application: 0, loan: 0, transaction: 0, statement: 0, debtor: 0 };

  constructor(private readonly options: GeneratorOptions) {
    if (!Number.isInteger(options.events) || options.events < 0)
      throw new RangeError(`events must be a non-negative integer, got ${options.events}`);
    this.rng = new Random(options.seed);
    this.bookViewRng = new Random((options.seed ^ 0x6b00c) >>> 0);
    this.total = options.events;
    const customerCount = Math.max(1, Math.ceil(options.events / EVENTS_PER_CUSTOMER));
    for (let i = 1; i <= customerCount; i++) this.customers.push(this.newCustomer(i));
  }

  /** The records in delivery order; exactly `events` of them. */
  *events(): Generator<GeneratedEvent> {
    let emitted = 0;
    const eventIdPrefix = `evt-${this.options.seed}-`;
    for (this.today = 0; emitted < this.total; this.today++) {
      this.todays = this.arrivals.get(this.today) ?? [];
      this.arrivals.delete(this.today);
      if (this.today > 0 && isFirstOfMonth(this.today)) this.closeStatements();
      this.simulateCustomers();
      const actions = this.agenda.get(this.today);
      this.agenda.delete(this.today);
      if (actions) for (const action of actions) this.run(action);
      // Stable: records arriving at the same instant keep the order they were made in.
      const batch = this.todays.sort((a, b) => a.arrival - b.arrival);
      for (const item of batch) {
        if (emitted >= this.total) return;
        item.event.record.event_id = `${eventIdPrefix}${emitted}`;
        emitted++;
        if (item.customer) item.customer.seen = true;
        if (item.discrepancy) this.injected.push({ ...item.discrepancy, event_id: item.event.record.event_id });
        yield item.event;
      }
    }
  }

  /** Ground truth for every customer that appeared in the records handed out so far. */
  labels(): CustomerLabel[] {
    return this.customers.filter((c) => c.seen).map((c) => ({ customer_id: c.profile.customerId, defaulted: c.profile.defaulted ? 1 : 0 }));
  }

  /** The discrepancies injected into the records handed out so far. */
  discrepancies(): InjectedDiscrepancy[] {
    return [...this.injected];
  }

  // ---- customers -------------------------------------------------------------------------

  private newCustomer(index: number): Customer {
    const rng = this.rng;
    const profile = createCustomer(rng, index);
    const accountId = (n: number) => `acct-${String(index).padStart(6, '0')}-${n}`;
    const housing = rng.pick(HOUSING_PAYEES);
    return {
      profile,
      seen: false,
      main: { accountId: accountId(1), statementOnly: false, openingCents: rng.int(0, 400_000), period: [] },
      external: rng.chance(0.06) ? { accountId: accountId(2), statementOnly: true, openingCents: rng.int(0, 100_000), period: [] } : null,
      housing,
      housingCents: Math.round(rng.logNormal(housing.medianCents, housing.spread)),
      utility: rng.pick(UTILITY_PAYEES),
      incomeSource: { name: profile.annualIncomeCents > 0 ? rng.pick(EMPLOYERS) : 'M. Jones', category: 'other', channel: 'TRANSFER' },
      creditBalanceCents: profile.creditBalanceCents,
      ourMonthlyPaymentsCents: 0,
      topUpDay: rng.chance(0.25) ? profile.startDay + rng.int(40, 150) : -1,
      delinquent: false,
    };
  }

  private simulateCustomers(): void {
    const day = this.today;
    const start = dayStartMs(day);
    const dom = dayOfMonth(day);
    for (const c of this.customers) {
      const p = c.profile;
      if (p.startDay > day) continue;
      if (p.startDay === day || c.topUpDay === day) this.apply(c, termLoan(this.rng, p));
      if (day > p.startDay && this.rng.chance(1 / 24)) this.apply(c, bnplPurchase(this.rng));
      // Standing orders at exactly midnight UTC: a day boundary the windows must place correctly.
      if (dom === 1) this.transact(c, c.main, c.housing, start, c.housingCents, 'DEBIT', c.housing.descriptions[0]);
      if (dom === 25) this.payIncome(c, start);
      if (dom === 15) {
        const bill = Math.round(this.rng.logNormal(c.utility.medianCents, c.utility.spread));
        this.transact(c, c.main, c.utility, start + this.rng.int(0, DAY_MS - 1), bill, 'DEBIT', c.utility.descriptions[0]);
      }
      const purchases = this.rng.poisson(p.purchasesPerDay);
      for (let i = 0; i < purchases; i++) this.purchase(c, start + this.rng.int(0, DAY_MS - 1));
    }
  }

  private payIncome(c: Customer, at: number): void {
    const income = c.profile.annualIncomeCents;
    if (income > 0) this.transact(c, c.main, c.incomeSource, at, Math.round((income / 12) * 0.74), 'CREDIT', 'Salary');
    else if (this.rng.chance(0.6))
      this.transact(c, c.main, c.incomeSource, at + this.rng.int(0, DAY_MS - 1), this.rng.int(20_000, 60_000), 'CREDIT', 'Family support');
  }

  private purchase(c: Customer, at: number): void {
    const rng = this.rng;
    const account = c.external && rng.chance(0.3) ? c.external : c.main;
    if (rng.chance(0.02)) {
      const merchant = rng.pick(refundMerchants);
      this.transact(c, account, merchant, at, Math.round(rng.logNormal(merchant.medianCents, merchant.spread)) + 1, 'CREDIT', 'Refund');
      return;
    }
    const merchant = everydayPicker.pick(rng);
    const amount = Math.round(rng.logNormal(merchant.medianCents, merchant.spread)) + 1;
    this.transact(c, account, merchant, at, amount, 'DEBIT', rng.pick(merchant.descriptions));
  }

  private transact(
    c: Customer,
    account: Account,
    merchant: Payee,
    at: number,
    amountCents: number,
    direction: 'DEBIT' | 'CREDIT',
    description: string,
  ): void {
    const rng = this.rng;
    const p = c.profile;
    let category: string | null = null;
    const roll = rng.next();
    if (roll < 0.02) category = rng.pick(FOREIGN_CATEGORIES);
    else if (roll < SHARE_WITH_CATEGORY) category = rng.chance(0.08) ? rng.pick(CATEGORY_SPELLINGS[merchant.category]) : merchant.category;
    const record: Transaction = {
      event_id: '',
      tenant_id: p.tenant.id,
      event_time: at,
      transaction_id: `txn-${++this.counters.transaction}`,
      customer_id: p.customerId,
      account_id: account.accountId,
      amount_cents: amountCents,
      direction,
      currency: p.tenant.currency,
      merchant: merchant.name,
      description,
      category,
      channel: account.statementOnly ? 'STATEMENT' : merchant.channel,
    };
    account.period.push(record);
    if (account.statementOnly) return; // delivered with the statement
    const delayed = rng.chance(SHARE_DELAYED_TRANSACTIONS);
    const arrival = delayed ? at + rng.int(60_000, 36 * HOUR_MS) : at;
    this.deliver({ arrival, customer: c, event: { topic: 'transactions', key: p.customerId, record } });
  }

  // ---- statements ------------------------------------------------------------------------

  /** On the 1st of a month: every account's statement for the month that just ended. */
  private closeStatements(): void {
    const periodStart = previousMonthStartMs(this.today);
    const periodEnd = dayStartMs(this.today);
    for (const c of this.customers) {
      if (c.profile.startDay >= this.today) continue;
      this.closeStatement(c, c.main, periodStart, periodEnd);
      if (c.external) this.closeStatement(c, c.external, periodStart, periodEnd);
    }
  }

  private closeStatement(c: Customer, account: Account, periodStart: number, periodEnd: number): void {
    const rng = this.rng;
    const txns = account.period.sort((a, b) => a.event_time - b.event_time);
    account.period = [];
    let balance = account.openingCents;
    const lines: StatementLine[] = txns.map((t, i) => {
      balance += t.direction === 'CREDIT' ? t.amount_cents : -t.amount_cents;
      return {
        line_no: i + 1,
        posted_at: t.event_time,
        description: `${t.merchant} ${t.description}`,
        amount_cents: t.amount_cents,
        direction: t.direction,
      };
    });
    const issuedAt = periodEnd + rng.int(1, 4) * DAY_MS + (rng.chance(0.15) ? 0 : rng.int(0, DAY_MS - 1));
    const p = c.profile;
    const statement: Statement = {
      event_id: '',
      tenant_id: p.tenant.id,
      event_time: issuedAt,
      statement_id: `stmt-${++this.counters.statement}`,
      customer_id: p.customerId,
      account_id: account.accountId,
      period_start: periodStart,
      period_end: periodEnd,
      opening_balance_cents: account.openingCents,
      closing_balance_cents: balance,
      lines,
    };
    account.openingCents = balance;
    if (account.statementOnly) {
      // Known only from the statement: these arrive up to ~35 days after they happened.
      for (const t of txns)
        this.deliver({ arrival: issuedAt, customer: c, event: { topic: 'transactions', key: p.customerId, record: t } });
    }
    this.deliver({ arrival: issuedAt, customer: c, event: { topic: 'statements', key: p.customerId, record: statement } });
  }

  // ---- applications and loans ------------------------------------------------------------

  private apply(c: Customer, terms: LoanTerms): void {
    const rng = this.rng;
    const p = c.profile;
    const at = dayStartMs(this.today) + rng.int(0, DAY_MS - 1);
    if (p.creditLimitCents > 0) {
      const drift = Math.round(rng.normal() * p.creditLimitCents * 0.05);
      c.creditBalanceCents = Math.min(Math.round(p.creditLimitCents * 1.05), Math.max(0, c.creditBalanceCents + drift));
    }
    const record: LoanApplication = {
      event_id: '',
      tenant_id: p.tenant.id,
      event_time: at,
      application_id: `app-${++this.counters.application}`,
      customer_id: p.customerId,
      amount_cents: terms.amountCents,
      term_months: terms.termMonths,
      annual_rate_bps: terms.annualRateBps,
      collateral_value_cents: terms.collateralValueCents,
      annual_income_cents: p.annualIncomeCents,
      monthly_debt_payments_cents: p.externalMonthlyDebtCents + c.ourMonthlyPaymentsCents,
      credit_limit_cents: p.creditLimitCents,
      credit_balance_cents: c.creditBalanceCents,
      employment_years: p.employmentYears > 0 ? Math.round((p.employmentYears + (this.today - p.startDay) / 365) * 10) / 10 : 0,
      purpose: terms.purpose,
    };
    const arrival = rng.chance(0.02) ? at + rng.int(HOUR_MS, 3 * DAY_MS) : at;
    this.deliver({ arrival, customer: c, event: { topic: 'loan-applications', key: p.customerId, record } });

    if (!this.approves(c, terms)) return;
    const loan: Loan = {
      loanId: `loan-${++this.counters.loan}`,
      customer: c,
      terms,
      installmentCents: installmentCents(terms.amountCents, terms.installments, periodicRateOf(terms)),
      startAt: at,
      paidCount: 0,
      lastPaymentAt: null,
      missed: false,
    };
    if (terms.intervalDays >= 28) c.ourMonthlyPaymentsCents += loan.installmentCents;
    this.scheduleInstallment(loan, 1);
  }

  private approves(c: Customer, terms: LoanTerms): boolean {
    const p = c.profile;
    if (c.delinquent) return false;
    if (p.annualIncomeCents === 0) return terms.purpose === 'bnpl_purchase' && this.rng.chance(0.5);
    const monthlyIncome = p.annualIncomeCents / 12;
    const dti = (p.externalMonthlyDebtCents + c.ourMonthlyPaymentsCents) / monthlyIncome;
    return dti < 0.6 || this.rng.chance(0.15);
  }

  /** Due time of an installment: term loans at midnight UTC every 30 days, BNPL from the purchase instant. */
  private dueAt(loan: Loan, installmentNo: number): number {
    const { intervalDays } = loan.terms;
    if (loan.terms.purpose === 'bnpl_purchase') return loan.startAt + (installmentNo - 1) * intervalDays * DAY_MS;
    return dayStartMs(dayOf(loan.startAt) + installmentNo * intervalDays);
  }

  private scheduleInstallment(loan: Loan, installmentNo: number): void {
    if (installmentNo > loan.terms.installments) return;
    // Decided a few days before the due date, since on-time payers pay a little early.
    this.schedule(dayOf(this.dueAt(loan, installmentNo)) - 4, { kind: 'installment', loan, installmentNo });
  }

  private payInstallment(loan: Loan, installmentNo: number): void {
    const rng = this.rng;
    const c = loan.customer;
    const p = c.profile;
    const dueAt = this.dueAt(loan, installmentNo);
    const outcome = payInstallment(
      rng,
      p,
      { dueAt, installmentNo, amountDueCents: loan.installmentCents, notBefore: loan.startAt },
      dayStartMs(p.defaultDay), // Infinity for customers who never default
    );
    if (outcome.paidAt !== null) {
      loan.paidCount++;
      loan.lastPaymentAt = outcome.paidAt;
    }
    const record: Repayment = {
      event_id: '',
      tenant_id: p.tenant.id,
      event_time: outcome.reportedAt,
      loan_id: loan.loanId,
      customer_id: p.customerId,
      installment_no: installmentNo,
      due_at: dueAt,
      paid_at: outcome.paidAt,
      amount_due_cents: loan.installmentCents,
      amount_paid_cents: outcome.amountPaidCents,
    };
    const backfilled = rng.chance(SHARE_BACKFILLED_REPAYMENTS);
    const arrival = backfilled ? outcome.reportedAt + rng.int(32, 45) * DAY_MS : outcome.reportedAt;
    this.deliver({ arrival, customer: c, event: { topic: 'repayments', key: p.customerId, record } });

    if (outcome.paidAt === null && !loan.missed) {
      loan.missed = true;
      // Placed with a collection partner at 30 days past due.
      this.schedule(dayOf(dueAt) + 30, { kind: 'open-case', loan, firstMissedDueAt: dueAt });
    }
    if (installmentNo === loan.terms.installments && loan.terms.intervalDays >= 28) c.ourMonthlyPaymentsCents -= loan.installmentCents;
    this.scheduleInstallment(loan, installmentNo + 1);
  }

  // ---- collections -----------------------------------------------------------------------

  private openCase(loan: Loan, firstMissedDueAt: number): void {
    const rng = this.rng;
    const c = loan.customer;
    c.delinquent = true;
    const unpaidCents = loan.installmentCents * (loan.terms.installments - loan.paidCount);
    const debtorCase: DebtorCase = {
      debtorId: `dbt-${++this.counters.debtor}`,
      customerId: c.profile.customerId,
      tenantId: c.profile.tenant.id,
      partnerId: rng.pick(PARTNERS),
      firstMissedDueAt,
      debtCents: unpaidCents + rng.int(0, 5) * 2_500, // plus late fees
      lastPaymentAt: loan.lastPaymentAt,
      contactAttempts: 0,
      brokenPromises: 0,
      status: 'ACTIVE',
      partnerSilent: rng.chance(0.05),
      interlude: null,
    };
    this.updateCase(debtorCase, c, true);
  }

  private updateCase(debtorCase: DebtorCase, c: Customer, opening = false): void {
    const rng = this.rng;
    const now = dayStartMs(this.today) + rng.int(8 * HOUR_MS, 18 * HOUR_MS);
    if (!opening) {
      advanceCase(rng, debtorCase, now);
      advanceBookView(this.bookViewRng, debtorCase, now);
    }
    const record = debtorRecord(debtorCase, now);
    const silentNote =
      opening && debtorCase.partnerSilent
        ? { kind: 'missing_at_partner' as const, debtor_id: debtorCase.debtorId, partner_id: debtorCase.partnerId }
        : undefined;
    this.deliver({ arrival: now, customer: c, event: { topic: 'debtors', key: debtorCase.debtorId, record }, discrepancy: silentNote });

    if (!debtorCase.partnerSilent && rng.chance(0.85)) {
      const reportedAt = now + rng.int(30 * 60_000, 48 * HOUR_MS);
      const report = partnerReport(rng, debtorCase, reportedAt);
      const discrepancy = discrepancyOf(record, report);
      const note = discrepancy ? { kind: discrepancy, debtor_id: debtorCase.debtorId, partner_id: debtorCase.partnerId } : undefined;
      this.deliver({
        arrival: reportedAt,
        customer: null,
        event: { topic: 'partner-records', key: debtorCase.debtorId, record: report },
        discrepancy: note,
      });
    }
    if (rng.chance(0.02)) {
      const strayId = `dbt-${++this.counters.debtor}`;
      const stray = strayPartnerReport(rng, strayId, debtorCase.tenantId, now + rng.int(HOUR_MS, 24 * HOUR_MS));
      this.deliver({
        arrival: stray.event_time,
        customer: null,
        event: { topic: 'partner-records', key: strayId, record: stray },
        discrepancy: { kind: 'missing_in_book', debtor_id: strayId, partner_id: stray.partner_id },
      });
    }
    if (!isClosed(debtorCase)) this.schedule(this.today + rng.int(4, 10), { kind: 'case-update', debtorCase, customer: c });
  }

  // ---- scheduling ------------------------------------------------------------------------

  private run(action: Action): void {
    switch (action.kind) {
      case 'installment':
        return this.payInstallment(action.loan, action.installmentNo);
      case 'open-case':
        return this.openCase(action.loan, action.firstMissedDueAt);
      case 'case-update':
        return this.updateCase(action.debtorCase, action.customer);
    }
  }

  /** Runs an action on a later book day, or now when that day has come. */
  private schedule(day: number, action: Action): void {
    if (day <= this.today) {
      this.run(action);
      return;
    }
    const list = this.agenda.get(day);
    if (list) list.push(action);
    else this.agenda.set(day, [action]);
  }

  /** Hands a record out on the book day it arrives (today's batch, or a later day's). */
  private deliver(item: Arrival): void {
    const day = Math.max(this.today, dayOf(item.arrival));
    if (day === this.today) {
      this.todays.push(item);
      return;
    }
    const list = this.arrivals.get(day);
    if (list) list.push(item);
    else this.arrivals.set(day, [item]);
  }
}
