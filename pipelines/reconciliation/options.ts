// What the reconciliation topology is configured with: the rule set, how much book history the as-of
// comparison keeps, how long a partner may stay silent, and how long the case book keeps a closed case.
// The application passes the config file's `reconciliation` section; these defaults are the contract's.
import { DEFAULT_RULES, type ReconciliationRule } from './rules.ts';

const DAY_MS = 86_400_000;

export interface ReconciliationOptions {
  rules: readonly ReconciliationRule[];
  /** Book versions kept this far behind stream time, so a late partner record still finds the one in force. */
  bookHistoryMs: number;
  /** A debtor first in the book at t and unreported by stream time t + this is MISSING_AT_PARTNER. */
  missingAfterMs: number;
  /** A closed case (auto-resolved, or decided) leaves the case book this long in stream time after it closed. */
  closedCaseRetentionMs: number;
}

export const DEFAULT_RECONCILIATION_OPTIONS: ReconciliationOptions = {
  rules: DEFAULT_RULES,
  bookHistoryMs: 7 * DAY_MS,
  missingAfterMs: 7 * DAY_MS,
  closedCaseRetentionMs: 30 * DAY_MS,
};
