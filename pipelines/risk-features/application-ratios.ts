// dti, ltv and utilization of a loan application. Null whenever a divisor is 0.
import type { LoanApplication } from '../../schemas/types.ts';

export interface ApplicationRatios {
  dti: number | null;
  ltv: number | null;
  utilization: number | null;
}

export const NO_RATIOS: ApplicationRatios = { dti: null, ltv: null, utilization: null };

/** Monthly annuity payment of `amount` over `months` at a yearly rate in basis points. */
export function monthlyInstallment(amountCents: number, termMonths: number, annualRateBps: number): number | null {
  if (termMonths <= 0) return null;
  const monthlyRate = annualRateBps / 10_000 / 12;
  if (monthlyRate === 0) return amountCents / termMonths;
  return (amountCents * monthlyRate) / (1 - Math.pow(1 + monthlyRate, -termMonths));
}

export function applicationRatios(app: LoanApplication | null | undefined): ApplicationRatios {
  if (!app) return NO_RATIOS;
  const installment = monthlyInstallment(app.amount_cents, app.term_months, app.annual_rate_bps);
  const monthlyIncome = app.annual_income_cents / 12;
  return {
    dti: installment === null || monthlyIncome === 0 ? null : (app.monthly_debt_payments_cents + installment) / monthlyIncome,
    ltv: app.collateral_value_cents === null || app.collateral_value_cents === 0 ? null : app.amount_cents / app.collateral_value_cents,
    utilization: app.credit_limit_cents === 0 ? null : app.credit_balance_cents / app.credit_limit_cents,
  };
}
