// The `reconciliation` section of the config file: the rule set (a small declarative vocabulary, see
// pipelines/reconciliation/rules.ts), how much book history the as-of comparison keeps behind stream
// time, how long a debtor's partner may stay silent before the case is MISSING_AT_PARTNER, and how long
// the case book keeps a closed case.
//
//   reconciliation:
//     bookHistoryMs: 604800000        # 7 days (default)
//     missingAfterMs: 604800000       # 7 days (default)
//     closedCaseRetentionMs: 2592000000  # 30 days (default)
//     rules:                          # default: [within_tolerance, 50 cents, 10 basis points]
//       - { type: within_tolerance, minCents: 50, basisPoints: 10 }
//       - { type: status_equivalence, name: partner_status_names, equivalent: { OPEN: ACTIVE } }
import { z } from 'zod';
import { DEFAULT_RULES, type ReconciliationRule } from '../pipelines/reconciliation/rules.ts';

const DAY_MS = 86_400_000;

const ruleName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a rule name is lower_snake_case');

const withinToleranceRule = z.strictObject({
  type: z.literal('within_tolerance'),
  name: ruleName.default('within_tolerance'),
  minCents: z.number().int().nonnegative().default(50),
  basisPoints: z.number().int().nonnegative().max(10_000).default(10),
});

const statusEquivalenceRule = z.strictObject({
  type: z.literal('status_equivalence'),
  name: ruleName.default('status_equivalence'),
  equivalent: z.record(z.string().min(1), z.enum(['ACTIVE', 'PAYING', 'SETTLED', 'WRITTEN_OFF'])),
});

const rule = z.discriminatedUnion('type', [withinToleranceRule, statusEquivalenceRule], {
  error: 'expected a rule with type within_tolerance or status_equivalence',
});

export const reconciliationSettingsSchema = z.strictObject({
  rules: z
    .array(rule)
    .default(() => DEFAULT_RULES.map((r) => ({ ...r })))
    .refine((rules) => new Set(rules.map((r) => r.name)).size === rules.length, 'two rules have the same name; give each a name'),
  /** How far behind stream time the as-of comparison can still find the book record in force. */
  bookHistoryMs: z
    .number()
    .int()
    .positive()
    .default(7 * DAY_MS),
  /** A debtor's first book record at t with no partner record by stream time t + this is MISSING_AT_PARTNER. */
  missingAfterMs: z
    .number()
    .int()
    .positive()
    .default(7 * DAY_MS),
  /** A closed case leaves the pipeline's case book this long in stream time after it closed. */
  closedCaseRetentionMs: z
    .number()
    .int()
    .positive()
    .default(30 * DAY_MS),
});

export type ReconciliationSettings = z.infer<typeof reconciliationSettingsSchema>;

// The parsed rules are the pipeline's rule type, so a change to either side fails the typecheck here.
const _rulesFit: ReconciliationRule[] = [] as ReconciliationSettings['rules'];
void _rulesFit;
