// A synthetic borrower: a financial profile, and a hidden default propensity derived from it
// (plus noise no feature can see). The propensity drives repayment lateness; the 0/1 `defaulted`
// label drawn from it is the ground truth that models are trained against.
import { BOOK_NOMINAL_DAYS } from './book-time.ts';
import { Random, WeightedPicker } from './random.ts';

export interface Tenant {
  id: string;
  currency: string;
  weight: number;
}

export const TENANTS: readonly Tenant[] = [
  { id: 'acme-lending', currency: 'GBP', weight: 6 },
  { id: 'beta-credit', currency: 'EUR', weight: 3 },
  { id: 'cobalt-finance', currency: 'USD', weight: 1 },
];

const tenantPicker = new WeightedPicker(TENANTS, (t) => t.weight);

export interface CustomerProfile {
  customerId: string;
  tenant: Tenant;
  /** First book day the customer is active. */
  startDay: number;
  annualIncomeCents: number;
  /** Debt payments outside this lender (mortgages elsewhere, car finance...). */
  externalMonthlyDebtCents: number;
  creditLimitCents: number;
  creditBalanceCents: number;
  employmentYears: number;
  /** Everyday card purchases per day. */
  purchasesPerDay: number;
  /** Hidden: probability of default. Never written to any topic. */
  propensity: number;
  defaulted: boolean;
  /** Book day from which a defaulting customer stops paying (Infinity for the others). */
  defaultDay: number;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function createCustomer(rng: Random, index: number): CustomerProfile {
  const tenant = tenantPicker.pick(rng);
  const noIncome = rng.chance(0.025);
  const annualIncomeCents = noIncome ? 0 : Math.round(rng.logNormal(3_600_000, 0.45) / 100) * 100;
  const debtRatio = Math.pow(rng.next(), 1.6) * 0.55;
  const externalMonthlyDebtCents = noIncome ? rng.int(0, 30_000) : Math.round((annualIncomeCents / 12) * debtRatio);
  const noCard = rng.chance(0.06);
  const creditLimitCents = noCard ? 0 : rng.pick([100_000, 250_000, 500_000, 750_000, 1_000_000, 1_500_000]);
  const utilization = Math.min(1.05, Math.pow(rng.next(), 0.9));
  const creditBalanceCents = Math.round(creditLimitCents * utilization);
  const employmentYears = noIncome ? 0 : Math.round(Math.min(40, rng.logNormal(4, 0.9)) * 10) / 10;

  // The hidden propensity: higher with debt burden, card utilization, no income and short
  // employment, plus a latent term the features cannot see.
  const z =
    -1.7 +
    3.2 * (debtRatio - 0.2) +
    1.6 * (noCard ? 0.3 : utilization - 0.45) +
    (noIncome ? 1.8 : 0) -
    0.06 * employmentYears +
    0.8 * rng.normal();
  const propensity = sigmoid(z);
  const defaulted = rng.chance(propensity);
  const startDay = rng.chance(0.7) ? rng.int(0, 10) : rng.int(0, 60);
  const defaultDay = defaulted ? startDay + rng.int(25, Math.max(30, BOOK_NOMINAL_DAYS - startDay - 45)) : Infinity;

  return {
    customerId: `cust-${String(index).padStart(6, '0')}`,
    tenant,
    startDay,
    annualIncomeCents,
    externalMonthlyDebtCents,
    creditLimitCents,
    creditBalanceCents,
    employmentYears,
    purchasesPerDay: 0.18 + rng.next() * 0.34,
    propensity,
    defaulted,
    defaultDay,
  };
}
