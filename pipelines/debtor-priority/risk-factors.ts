// The risk-factor map of the collection worklist (CONTRACTS 9): what `scoring.riskFactors` in the config
// file holds, its defaults, and its validation. Every field is optional in the file; a missing one takes
// its default, and `daysPastDue` is replaced as a whole.
import { z } from 'zod';

/** Debtors with days_past_due >= from (up to the next band's from) weigh `factor`. */
export interface DaysPastDueBand {
  from: number;
  factor: number;
}

export interface RiskFactors {
  /** f_dpd: bands by days_past_due, the first from 0, ascending. */
  daysPastDue: readonly DaysPastDueBand[];
  /** w_p in f_promises = 1 / (1 + w_p x broken_promises). */
  brokenPromiseWeight: number;
  /** w_c in f_contacts = 1 / (1 + w_c x contact_attempts). */
  contactAttemptWeight: number;
  /** pd of a customer without a default_probability yet. */
  defaultProbabilityWhenUnknown: number;
}

export const DEFAULT_RISK_FACTORS: RiskFactors = Object.freeze({
  daysPastDue: Object.freeze([
    Object.freeze({ from: 0, factor: 0.6 }),
    Object.freeze({ from: 30, factor: 1.0 }),
    Object.freeze({ from: 60, factor: 1.4 }),
    Object.freeze({ from: 90, factor: 1.8 }),
    Object.freeze({ from: 180, factor: 0.9 }),
  ]),
  brokenPromiseWeight: 0.25,
  contactAttemptWeight: 0.05,
  defaultProbabilityWhenUnknown: 0.5,
});

const factor = z.number('expected a number').finite().nonnegative('expected a number >= 0');

const band = z
  .object({
    from: z.number('expected a number of days').int('expected a whole number of days').nonnegative('expected 0 or more days'),
    factor,
  })
  .strict();

const bands = z
  .array(band)
  .min(1, 'expected at least one band')
  .superRefine((list, ctx) => {
    if (list.length > 0 && list[0].from !== 0)
      ctx.addIssue({ code: 'custom', path: [0, 'from'], message: `the first band must start at 0, not ${list[0].from}` });
    for (let i = 1; i < list.length; i++) {
      if (list[i].from <= list[i - 1].from)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'from'],
          message: `bands must ascend: ${list[i].from} comes after ${list[i - 1].from}`,
        });
    }
  });

/** `scoring.riskFactors` as the config file may write it; parses to a complete RiskFactors. */
export const riskFactorsSchema = z
  .object({
    daysPastDue: bands.default(() => DEFAULT_RISK_FACTORS.daysPastDue.map((b) => ({ ...b }))),
    brokenPromiseWeight: factor.default(DEFAULT_RISK_FACTORS.brokenPromiseWeight),
    contactAttemptWeight: factor.default(DEFAULT_RISK_FACTORS.contactAttemptWeight),
    defaultProbabilityWhenUnknown: z
      .number('expected a probability in [0, 1]')
      .min(0, 'expected a probability in [0, 1]')
      .max(1, 'expected a probability in [0, 1]')
      .default(DEFAULT_RISK_FACTORS.defaultProbabilityWhenUnknown),
  })
  .strict();
