// The seven spending categories, in the order features and reports list them.
export const SPENDING_CATEGORIES = ['food', 'shopping', 'transport', 'housing', 'health', 'entertainment', 'other'] as const;

export type SpendingCategory = (typeof SPENDING_CATEGORIES)[number];

const known = new Set<string>(SPENDING_CATEGORIES);

/** The category a record names itself, when it is one of the seven (case and spaces ignored). */
export function namedCategory(value: string | null | undefined): SpendingCategory | null {
  if (!value) return null;
  const v = value.trim().toLowerCase();
  return known.has(v) ? (v as SpendingCategory) : null;
}
